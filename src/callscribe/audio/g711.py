"""G.711 µ-law (PCMU) to float32, by a 256-entry table (ITU-T G.711, section 2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def _mulaw_table() -> NDArray[np.float32]:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    linear = np.where(sign != 0, -magnitude, magnitude)
    return (linear / 32768.0).astype(np.float32)


_MULAW = _mulaw_table()


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


__all__ = ["float_to_mulaw", "mulaw_to_float"]
