"""G.711 µ-law (PCMU), by one 256-entry table (ITU-T G.711, section 2): to and from float32
(the pipeline's samples) and s16le PCM (the bridge's WAV files and RTP)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from callscribe.errors import UnsupportedMedia


def _mulaw_table() -> NDArray[np.int16]:
    """The 16-bit linear value of each µ-law code."""
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


_LINEAR = _mulaw_table()
_MULAW = (_LINEAR / 32768.0).astype(np.float32)


def mulaw_to_float(data: bytes | bytearray | memoryview) -> NDArray[np.float32]:
    """Decode µ-law bytes (one sample per byte) to float32 in [-1, 1]."""
    out: NDArray[np.float32] = _MULAW[np.frombuffer(data, dtype=np.uint8)]
    return out


def float_to_mulaw(samples: NDArray[np.float32]) -> bytes:
    """Encode float32 to µ-law by nearest table entry (used to build test fixtures)."""
    order = np.argsort(_MULAW)
    sorted_values = _MULAW[order]
    idx = np.clip(np.searchsorted(sorted_values, samples), 1, 255)
    left = sorted_values[idx - 1]
    right = sorted_values[idx]
    pick = np.where(np.abs(samples - left) <= np.abs(samples - right), idx - 1, idx)
    return order[pick].astype(np.uint8).tobytes()


def mulaw_to_s16(data: bytes | bytearray | memoryview) -> bytes:
    """Decode µ-law bytes to s16le PCM (two bytes out per byte in)."""
    return _LINEAR[np.frombuffer(data, dtype=np.uint8)].astype("<i2").tobytes()


def s16_to_mulaw(pcm: bytes) -> bytes:
    """Encode s16le PCM to µ-law (nearest code); an odd trailing byte is an error."""
    if len(pcm) % 2:
        raise UnsupportedMedia(f"PCM has an odd length ({len(pcm)} bytes); s16le needs pairs")
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    return float_to_mulaw(samples)


__all__ = ["float_to_mulaw", "mulaw_to_float", "mulaw_to_s16", "s16_to_mulaw"]
