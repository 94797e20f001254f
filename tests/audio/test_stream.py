"""Streaming decode of every declared encoding, chunked awkwardly, to mono float32 16 kHz."""

from __future__ import annotations

import numpy as np
import pytest

from callscribe.audio.g711 import float_to_mulaw
from callscribe.audio.pcm import float_to_s16le, resample
from callscribe.audio.stream import Encoding, StreamDecoder
from callscribe.errors import UnsupportedMedia, ValidationFailed

from .media import chunks, encode


def _run(decoder: StreamDecoder, data: bytes) -> np.ndarray:
    parts = [decoder.feed(c) for c in chunks(data)]
    return np.concatenate([*parts, decoder.flush()])


def _similar(a: np.ndarray, b: np.ndarray, *, min_corr: float = 0.98) -> None:
    """Same signal (allowing a small codec delay): high peak cross-correlation."""
    n = min(len(a), len(b))
    assert abs(len(a) - len(b)) <= 0.03 * n + 400
    best = max(
        float(np.corrcoef(a[lag : n - 400 + lag], b[: n - 400])[0, 1]) for lag in range(0, 400, 4)
    )
    best = max(
        best,
        *(
            float(np.corrcoef(a[: n - 400], b[lag : n - 400 + lag])[0, 1])
            for lag in range(0, 400, 4)
        ),
    )
    assert best > min_corr


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (16000, 1), (44100, 2), (48000, 2)])
def test_linear16_any_rate_and_channels(prompt_audio: np.ndarray, rate: int, channels: int) -> None:
    source = resample(prompt_audio, 16000, rate)
    interleaved = np.repeat(source, channels)
    out = _run(StreamDecoder("LINEAR16", rate, channels), float_to_s16le(interleaved))
    _similar(out, prompt_audio, min_corr=0.97 if rate == 8000 else 0.99)


def test_linear16_with_a_wav_header_is_accepted(prompt_audio: np.ndarray) -> None:
    wav = encode(prompt_audio, 16000, container="wav", codec="pcm_s16le")
    out = _run(StreamDecoder("linear16", 16000), wav)
    _similar(out, prompt_audio, min_corr=0.999)


def test_linear16_wav_header_must_match_declaration(prompt_audio: np.ndarray) -> None:
    wav = encode(prompt_audio, 16000, container="wav", codec="pcm_s16le")
    with pytest.raises(ValidationFailed, match="WAV header says 16000 Hz"):
        _run(StreamDecoder("LINEAR16", 8000), wav)


def test_mulaw_8k(prompt_audio: np.ndarray) -> None:
    narrow = resample(prompt_audio, 16000, 8000)
    out = _run(StreamDecoder(Encoding.MULAW, 8000), float_to_mulaw(narrow))
    _similar(out, prompt_audio, min_corr=0.95)


@pytest.mark.parametrize("rate", [16000, 48000])
def test_flac_stream(prompt_audio: np.ndarray, rate: int) -> None:
    data = encode(prompt_audio, 16000, container="flac", codec="flac", out_rate=rate)
    out = _run(StreamDecoder("FLAC", rate), data)
    _similar(out, prompt_audio, min_corr=0.99)


@pytest.mark.parametrize("channels", [1, 2])
def test_ogg_opus_stream(prompt_audio: np.ndarray, channels: int) -> None:
    data = encode(
        prompt_audio, 16000, container="ogg", codec="libopus", out_rate=48000, channels=channels
    )
    out = _run(StreamDecoder("OPUS", 48000, channels), data)
    _similar(out, prompt_audio, min_corr=0.9)


def test_raw_opus_packets_one_per_message(prompt_audio: np.ndarray) -> None:
    import io

    import av

    data = encode(prompt_audio, 16000, container="ogg", codec="libopus", out_rate=48000)
    with av.open(io.BytesIO(data)) as container:
        packets = [bytes(p) for p in container.demux(audio=0) if p.size]
    decoder = StreamDecoder("OPUS", 48000)
    out = np.concatenate([decoder.feed(p) for p in packets] + [decoder.flush()])
    _similar(out, prompt_audio, min_corr=0.9)


@pytest.mark.parametrize(
    ("encoding", "container", "codec", "message"),
    [
        ("LINEAR16", "flac", "flac", "declared LINEAR16 but the stream starts with FLAC"),
        ("MULAW", "wav", "pcm_s16le", "declared MULAW but the stream starts with WAV"),
        ("FLAC", "ogg", "libopus", "declared FLAC but the stream starts with Ogg"),
        ("OPUS", "flac", "flac", "declared OPUS but the stream starts with FLAC"),
    ],
)
def test_wrong_declared_encoding(
    prompt_audio: np.ndarray, encoding: str, container: str, codec: str, message: str
) -> None:
    data = encode(prompt_audio[:16000], 16000, container=container, codec=codec, out_rate=48000)
    with pytest.raises(UnsupportedMedia, match=message):
        _run(StreamDecoder(encoding, 48000), data)


def test_garbage_flac_and_opus() -> None:
    rng = np.random.default_rng(1)
    garbage = rng.integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(UnsupportedMedia, match="FLAC"):
        _run(StreamDecoder("FLAC", 16000), garbage)
    with pytest.raises(UnsupportedMedia, match="OPUS stream: packet 0"):
        StreamDecoder("OPUS", 48000).feed(b"\xff" * 3)


def test_too_short_stream_and_bad_declarations() -> None:
    decoder = StreamDecoder("FLAC", 16000)
    decoder.feed(b"fL")
    with pytest.raises(UnsupportedMedia, match="ended after only 2 bytes"):
        decoder.flush()
    with pytest.raises(ValidationFailed, match="encoding 'MP3' is not one of"):
        StreamDecoder("MP3", 16000)
    with pytest.raises(ValidationFailed, match="sampleRateHertz"):
        StreamDecoder("LINEAR16", 1000)
    assert len(StreamDecoder("LINEAR16", 16000).feed(b"")) == 0
