"""Audio for the Streaming API: a WAV file, raw PCM bytes, or any (async) iterable of chunks.

WAV files describe themselves (rate, channels; 16-bit PCM only, the Streaming API's
``LINEAR16``). Raw PCM and iterables need ``sample_rate``. Other containers (MP3, M4A, …)
belong to ``process_audio_file``, which decodes anything on the server.
"""

from __future__ import annotations

import os
import wave
from collections.abc import AsyncIterable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Union

AudioInput = Union[
    str, "os.PathLike[str]", bytes, bytearray, memoryview, Iterable[bytes], AsyncIterable[bytes]
]

#: Audio chunks as given: the blocking client refuses the async kind when the stream starts.
Chunks = Iterable[bytes] | AsyncIterable[bytes]

ENCODINGS = ("LINEAR16", "MULAW", "FLAC", "OPUS")


@dataclass(frozen=True, slots=True)
class AudioFormat:
    encoding: str
    sample_rate: int
    channels: int

    @property
    def bytes_per_second(self) -> float | None:
        """For pacing at real time; None for compressed encodings."""
        width = {"LINEAR16": 2, "MULAW": 1}.get(self.encoding)
        return None if width is None else float(width * self.sample_rate * self.channels)


def _wav_chunks(path: Path, frames_per_chunk: int) -> Iterator[bytes]:
    with wave.open(str(path), "rb") as wav:
        while chunk := wav.readframes(frames_per_chunk):
            yield chunk


def _split(data: bytes, size: int) -> Iterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


def open_audio(
    audio: AudioInput,
    *,
    sample_rate: int | None,
    channels: int,
    encoding: str,
    chunk_ms: int,
) -> tuple[AudioFormat, Chunks]:
    """The format to declare in ``start_request`` and the chunks to send."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding: {encoding!r} is not one of {list(ENCODINGS)}")
    if not 10 <= chunk_ms <= 1000:
        raise ValueError(f"chunk_ms: must be 10-1000, got {chunk_ms}")
    if isinstance(audio, str | os.PathLike):
        path = Path(audio)
        try:
            with wave.open(str(path), "rb") as wav:
                rate, chans, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        except (wave.Error, EOFError) as exc:
            raise ValueError(
                f"{path}: not a PCM WAV file ({exc}); stream raw PCM with sample_rate=..., "
                "or use process_audio_file for other formats"
            ) from exc
        if width != 2:
            raise ValueError(f"{path}: {8 * width}-bit samples; the stream needs 16-bit PCM")
        if sample_rate is not None and sample_rate != rate:
            raise ValueError(f"sample_rate={sample_rate} but {path} is {rate} Hz")
        frames = max(1, rate * chunk_ms // 1000)
        return AudioFormat("LINEAR16", rate, chans), _wav_chunks(path, frames)
    if sample_rate is None:
        raise ValueError("sample_rate is required for raw audio (only WAV files carry their own)")
    if not 8000 <= sample_rate <= 48000:
        raise ValueError(f"sample_rate: must be 8000-48000 Hz, got {sample_rate}")
    fmt = AudioFormat(encoding, sample_rate, channels)
    if isinstance(audio, bytes | bytearray | memoryview):
        per_second = fmt.bytes_per_second or 16000.0
        size = max(1, int(per_second * chunk_ms / 1000))
        return fmt, _split(bytes(audio), size)
    if isinstance(audio, AsyncIterable):
        return fmt, audio
    if isinstance(audio, Iterable):
        return fmt, audio
    raise ValueError(f"audio: expected a path, bytes or an iterable of bytes, got {type(audio)}")


def pace_delay(fmt: AudioFormat, bytes_sent: int, elapsed: float) -> float:
    """How long to wait so that sending stays at the audio's own speed (0 if behind)."""
    per_second = fmt.bytes_per_second
    if per_second is None:
        return 0.0
    return max(0.0, bytes_sent / per_second - elapsed)
