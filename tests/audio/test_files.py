"""Whole-file decoding of the formats users upload, and the errors for everything else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callscribe.audio.files import decode_file, iter_file, probe
from callscribe.errors import UnsupportedMedia

from .media import encode

FORMATS = [
    ("wav", "pcm_s16le", "wav", 16000),
    ("flac", "flac", "flac", 44100),
    ("mp3", "libmp3lame", "mp3", 44100),
    ("ogg", "libopus", "ogg", 48000),
    ("ipod", "aac", "m4a", 44100),
]


@pytest.mark.parametrize(("container", "codec", "suffix", "rate"), FORMATS)
def test_decode_each_format_to_mono_16k(
    tmp_path: Path, prompt_audio: np.ndarray, container: str, codec: str, suffix: str, rate: int
) -> None:
    path = tmp_path / f"prompt.{suffix}"
    path.write_bytes(
        encode(prompt_audio, 16000, container=container, codec=codec, out_rate=rate, channels=2)
    )
    info = probe(path)
    assert info.sample_rate == rate
    assert info.channels == 2
    out = decode_file(path)
    assert out.dtype == np.float32
    assert abs(len(out) - len(prompt_audio)) < 0.06 * 16000  # codec priming/padding only
    rms_in = float(np.sqrt(np.mean(prompt_audio**2)))
    rms_out = float(np.sqrt(np.mean(out**2)))
    assert rms_out == pytest.approx(rms_in, rel=0.15)


def test_bytes_and_chunked_iteration(prompt_audio: np.ndarray) -> None:
    data = encode(prompt_audio, 16000, container="flac", codec="flac")
    blocks = list(iter_file(data, rate=8000, chunk_seconds=1.0))
    assert len(blocks) >= 3
    assert abs(sum(len(b) for b in blocks) - len(prompt_audio) // 2) <= 2


def test_errors_name_the_problem(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedMedia, match="empty"):
        decode_file(empty)
    with pytest.raises(UnsupportedMedia, match="empty"):
        decode_file(b"")
    text = tmp_path / "notes.txt"
    text.write_text("minutes of the meeting\n" * 50)
    with pytest.raises(UnsupportedMedia):
        decode_file(text)
    rng = np.random.default_rng(7)
    with pytest.raises(UnsupportedMedia):
        decode_file(rng.integers(0, 256, 20000, dtype=np.uint8).tobytes())
    with pytest.raises(UnsupportedMedia, match="does not exist"):
        decode_file(tmp_path / "missing.mp3")


def test_truncated_file_still_decodes_what_is_there(prompt_audio: np.ndarray) -> None:
    data = encode(prompt_audio, 16000, container="wav", codec="pcm_s16le")
    out = decode_file(data[: len(data) // 2])
    assert abs(len(out) - len(prompt_audio) // 2) < 100
