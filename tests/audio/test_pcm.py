from __future__ import annotations

import numpy as np
import pytest

from callscribe.audio.g711 import float_to_mulaw, mulaw_to_float
from callscribe.audio.pcm import (
    StreamResampler,
    check_channels,
    check_rate,
    downmix,
    float_to_s16le,
    resample,
    s16le_to_float,
)
from callscribe.errors import ValidationFailed


def test_s16le_round_trip_and_scale() -> None:
    data = np.array([0, 1, -1, 32767, -32768], dtype="<i2").tobytes()
    samples = s16le_to_float(data)
    assert samples.dtype == np.float32
    assert samples[3] == pytest.approx(32767 / 32768)
    assert samples[4] == -1.0
    assert float_to_s16le(samples) == data


def test_downmix_averages_interleaved_channels() -> None:
    stereo = np.array([1.0, 0.0, 0.5, 0.5, -1.0, 1.0], dtype=np.float32)
    assert downmix(stereo, 2).tolist() == [0.5, 0.5, 0.0]


def test_stream_resampler_matches_one_shot_and_keeps_length() -> None:
    t = np.arange(48000) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stream = StreamResampler(48000, 16000)
    parts = [stream.process(tone[i : i + 777]) for i in range(0, len(tone), 777)]
    out = np.concatenate([*parts, stream.flush()])
    assert abs(len(out) - 16000) <= 1
    whole = resample(tone, 48000, 16000)
    # identical filter, so chunking must not change the signal (ignore the edges)
    assert np.max(np.abs(out[200:15800] - whole[200:15800])) < 1e-3


def test_resampler_upsamples_telephone_rate() -> None:
    stream = StreamResampler(8000)
    out = np.concatenate([stream.process(np.zeros(80, np.float32)) for _ in range(100)])
    out = np.concatenate([out, stream.flush()])
    assert abs(len(out) - 16000) <= 1


@pytest.mark.parametrize("rate", [0, 7999, 400000, 16000.0, True])
def test_bad_rates_name_the_field(rate: object) -> None:
    with pytest.raises(ValidationFailed, match="sampleRateHertz"):
        check_rate(rate)  # type: ignore[arg-type]


def test_bad_channels() -> None:
    with pytest.raises(ValidationFailed, match="channels"):
        check_channels(0)


def test_mulaw_table_known_points_and_round_trip() -> None:
    table = mulaw_to_float(bytes([0xFF, 0x7F, 0x00, 0x80]))
    assert table[0] == 0.0
    assert table[2] == pytest.approx(-32124 / 32768)
    assert table[3] == pytest.approx(32124 / 32768)
    signal = (0.3 * np.sin(np.arange(800) / 7)).astype(np.float32)
    back = mulaw_to_float(float_to_mulaw(signal))
    assert np.max(np.abs(back - signal)) < 0.01
