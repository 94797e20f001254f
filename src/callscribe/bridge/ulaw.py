"""G.711 µ-law in pure Python, and a µ-law WAV reader/writer for the shipped meeting.

The meeting recording ships as 16 kHz µ-law WAV: half the size of linear PCM, decodable with
the standard library only (``audioop`` is deprecated and gone in 3.13), and close enough to
linear for speech recognition.
"""

from __future__ import annotations

import struct

from callscribe.errors import UnsupportedMedia

_BIAS = 0x84
_CLIP = 32635
_WAVE_FORMAT_MULAW = 7


def _decode_byte(byte: int) -> int:
    u = ~byte & 0xFF
    sign, exponent, mantissa = u & 0x80, (u >> 4) & 0x07, u & 0x0F
    magnitude = ((mantissa << 3) + _BIAS) << exponent
    magnitude -= _BIAS
    return -magnitude if sign else magnitude


def _encode_sample(sample: int) -> int:
    sign = 0x80 if sample < 0 else 0
    magnitude = min(-sample if sample < 0 else sample, _CLIP) + _BIAS
    exponent = 7
    for exp in range(7, -1, -1):
        if magnitude & (0x4000 >> (7 - exp)):
            exponent = exp
            break
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


_DECODE = [struct.pack("<h", _decode_byte(b)) for b in range(256)]
_ENCODE = bytes(_encode_sample(s - 32768) for s in range(65536))


def decode(data: bytes) -> bytes:
    """µ-law bytes to s16le PCM (two bytes out per byte in)."""
    table = _DECODE
    return b"".join([table[b] for b in data])


def encode(pcm: bytes) -> bytes:
    """s16le PCM to µ-law bytes; an odd trailing byte is an error."""
    if len(pcm) % 2:
        raise UnsupportedMedia(f"PCM has an odd length ({len(pcm)} bytes); s16le needs pairs")
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    table = _ENCODE
    return bytes(table[s + 32768] for s in samples)


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


__all__ = ["decode", "encode", "read_wav", "write_wav"]
