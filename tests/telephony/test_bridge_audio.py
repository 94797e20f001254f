"""µ-law codec and WAV container used for the shipped meeting."""

from __future__ import annotations

import math
import struct

import pytest

from callscribe.audio.g711 import mulaw_to_s16, s16_to_mulaw
from callscribe.bridge import ulaw
from callscribe.bridge.meeting import convert
from callscribe.errors import UnsupportedMedia


def tone(n: int, amplitude: float = 8000.0) -> bytes:
    return struct.pack(f"<{n}h", *(int(amplitude * math.sin(i / 5)) for i in range(n)))


def test_ulaw_round_trip_is_close() -> None:
    pcm = tone(1600)
    back = mulaw_to_s16(s16_to_mulaw(pcm))
    a, b = struct.unpack("<1600h", pcm), struct.unpack("<1600h", back)
    assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 8000 * 0.04


def test_wav_round_trip() -> None:
    data = s16_to_mulaw(tone(801))
    assert ulaw.read_wav(ulaw.write_wav(data, 16000)) == (data, 16000)


def test_wav_errors_name_the_problem() -> None:
    with pytest.raises(UnsupportedMedia, match="not a RIFF/WAVE"):
        ulaw.read_wav(b"OggS" + bytes(40))
    pcm_wav = ulaw.write_wav(b"\x00" * 10, 8000).replace(b"\x07\x00\x01\x00", b"\x01\x00\x01\x00")
    with pytest.raises(UnsupportedMedia, match="format tag 1"):
        ulaw.read_wav(pcm_wav)


def test_convert_rates_and_channels() -> None:
    pcm = tone(160)
    assert len(convert(pcm, 16000, 8000, 1)) == len(pcm) // 2
    assert len(convert(pcm, 16000, 48000, 2)) == len(pcm) * 6
    with pytest.raises(UnsupportedMedia, match="cannot convert 16000 Hz to 44100 Hz"):
        convert(pcm, 16000, 44100, 1)
