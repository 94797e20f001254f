"""Whole-file decoding (WAV, FLAC, MP3, Ogg/Opus, M4A, anything FFmpeg reads) via PyAV.

Files are decoded in chunks so an hour-long upload never sits in memory as one array unless the
caller asks for it (:func:`decode_file`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from callscribe.audio.pcm import TARGET_RATE, Samples, StreamResampler
from callscribe.errors import UnsupportedMedia

Source = Path | str | bytes


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What the container says about the first audio stream."""

    container: str
    codec: str
    sample_rate: int
    channels: int
    duration: float | None
    """Seconds, when the container knows it (for progress); None for unknown."""


def _open(source: Source) -> av.container.InputContainer:
    target: str | io.BytesIO = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    if isinstance(source, bytes) and not source:
        raise UnsupportedMedia("the audio file is empty")
    if isinstance(source, Path | str):
        path = Path(source)
        if path.is_file() and path.stat().st_size == 0:
            raise UnsupportedMedia(f"the audio file {path} is empty")
    try:
        return av.open(target, "r")
    except FileNotFoundError:
        raise UnsupportedMedia(f"audio file {source!s} does not exist") from None
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise UnsupportedMedia(f"not a readable audio file: {exc}") from exc


def _audio_stream(container: av.container.InputContainer) -> av.AudioStream:
    if not container.streams.audio:
        raise UnsupportedMedia(f"the {container.format.name} file has no audio stream")
    stream = container.streams.audio[0]
    if stream.codec_context is None or not stream.codec_context.sample_rate:
        raise UnsupportedMedia(f"the {container.format.name} file's audio has no sample rate")
    return stream


def probe(source: Source) -> MediaInfo:
    """Container, codec, rate, channels and duration of the first audio stream."""
    with _open(source) as container:
        stream = _audio_stream(container)
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        return MediaInfo(
            container=container.format.name,
            codec=stream.codec_context.name,
            sample_rate=stream.codec_context.sample_rate,
            channels=stream.codec_context.channels,
            duration=duration,
        )


def frame_to_mono(frame: av.AudioFrame, converter: av.AudioResampler) -> Samples:
    """One decoded frame as mono float32 at its own rate: channels averaged, not summed.

    FFmpeg's own down-mix adds channels at -3 dB, which makes identical channels 41 % louder
    and can clip; averaging keeps levels the same whatever the channel count.
    """
    frame.pts = None
    parts = [out.to_ndarray() for out in converter.resample(frame)]
    if not parts:
        return np.zeros(0, dtype=np.float32)
    planar = np.concatenate(parts, axis=1)
    mono: Samples = planar.mean(axis=0, dtype=np.float32)
    return mono


def iter_file(
    source: Source, *, rate: int = TARGET_RATE, chunk_seconds: float = 5.0
) -> Iterator[Samples]:
    """Yield mono float32 at ``rate`` in chunks of about ``chunk_seconds``."""
    chunk = max(1, int(chunk_seconds * rate))
    produced = 0
    with _open(source) as container:
        stream = _audio_stream(container)
        converter = av.AudioResampler(format="fltp")
        resampler: StreamResampler | None = None
        parts: list[Samples] = []
        held = 0
        try:
            for frame in container.decode(stream):
                if resampler is None:
                    resampler = StreamResampler(frame.sample_rate, rate)
                samples = resampler.process(frame_to_mono(frame, converter))
                parts.append(samples)
                held += len(samples)
                if held >= chunk:
                    block = np.concatenate(parts)
                    produced += len(block)
                    parts, held = [], 0
                    yield block
        except av.error.FFmpegError as exc:
            raise UnsupportedMedia(
                f"the {container.format.name} file is damaged after {produced / rate:.2f} s: {exc}"
            ) from exc
        if resampler is not None:
            parts.append(resampler.flush())
        if parts:
            block = np.concatenate(parts)
            produced += len(block)
            if len(block):
                yield block
    if produced == 0:
        raise UnsupportedMedia("the audio file decodes to no samples")


def decode_file(source: Source, *, rate: int = TARGET_RATE) -> Samples:
    """The whole file as mono float32 at ``rate``."""
    return np.concatenate(list(iter_file(source, rate=rate)))


__all__ = ["MediaInfo", "Source", "decode_file", "frame_to_mono", "iter_file", "probe"]
