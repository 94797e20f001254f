"""The µ-law WAV container of the shipped meeting and prompts (the codec is
:mod:`callscribe.audio.g711`).

The meeting recording ships as 16 kHz µ-law WAV: half the size of linear PCM, and close enough
to linear for speech recognition.
"""

from __future__ import annotations

import struct

from callscribe.errors import UnsupportedMedia

_WAVE_FORMAT_MULAW = 7


def write_wav(samples_ulaw: bytes, sample_rate: int) -> bytes:
    """A mono µ-law WAV file image (format tag 7) around encoded samples."""
    fmt = struct.pack("<HHIIHHH", _WAVE_FORMAT_MULAW, 1, sample_rate, sample_rate, 1, 8, 0)
    fact = struct.pack("<I", len(samples_ulaw))
    pad = b"\x00" if len(samples_ulaw) % 2 else b""
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"fact"
        + struct.pack("<I", 4)
        + fact
        + b"data"
        + struct.pack("<I", len(samples_ulaw))
        + samples_ulaw
        + pad
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def read_wav(image: bytes) -> tuple[bytes, int]:
    """Parse a mono µ-law WAV image; returns (µ-law bytes, sample rate)."""
    if image[:4] != b"RIFF" or image[8:12] != b"WAVE":
        raise UnsupportedMedia("not a RIFF/WAVE file (bytes 0-12)")
    pos, rate, data = 12, 0, None
    while pos + 8 <= len(image):
        cid, size = image[pos : pos + 4], struct.unpack("<I", image[pos + 4 : pos + 8])[0]
        chunk = image[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            tag, channels, rate = struct.unpack("<HHI", chunk[:8])
            if tag != _WAVE_FORMAT_MULAW or channels != 1:
                raise UnsupportedMedia(
                    f"WAV format tag {tag} with {channels} channel(s); need µ-law (7), mono"
                )
        elif cid == b"data":
            data = chunk
        pos += 8 + size + (size % 2)
    if data is None or not rate:
        raise UnsupportedMedia("WAV file has no fmt or data chunk")
    return data, rate


__all__ = ["read_wav", "write_wav"]
