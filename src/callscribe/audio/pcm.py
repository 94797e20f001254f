"""PCM helpers: byte layouts to float32, channel down-mix, and a streaming resampler.

Everything downstream (voice activity, recognisers) works on mono float32 in [-1, 1] at one
rate, so every input path ends here.
"""

from __future__ import annotations

import numpy as np
import soxr
from numpy.typing import NDArray

from callscribe.errors import ValidationFailed

Samples = NDArray[np.float32]
"""Mono float32 audio in [-1, 1]."""

TARGET_RATE = 16000
"""The rate every shipped recogniser and the VAD are run at."""

MIN_RATE = 8000
MAX_RATE = 192000


def check_rate(sample_rate: int, field: str = "sampleRateHertz") -> int:
    """Reject sample rates no codec in this pipeline produces."""
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int):
        raise ValidationFailed(f"{field} must be an integer, got {sample_rate!r}")
    if not MIN_RATE <= sample_rate <= MAX_RATE:
        raise ValidationFailed(
            f"{field} must be between {MIN_RATE} and {MAX_RATE} Hz, got {sample_rate}"
        )
    return sample_rate


def check_channels(channels: int, field: str = "channels") -> int:
    """Reject channel counts outside 1..8."""
    if isinstance(channels, bool) or not isinstance(channels, int) or not 1 <= channels <= 8:
        raise ValidationFailed(f"{field} must be an integer from 1 to 8, got {channels!r}")
    return channels


def s16le_to_float(data: bytes | bytearray | memoryview) -> Samples:
    """Little-endian signed 16-bit samples to float32 (length must be even)."""
    ints = np.frombuffer(data, dtype="<i2")
    return (ints.astype(np.float32) / 32768.0).astype(np.float32, copy=False)


def float_to_s16le(samples: Samples) -> bytes:
    """Float32 in [-1, 1] to little-endian signed 16-bit bytes (clipped)."""
    clipped = np.clip(samples, -1.0, 32767.0 / 32768.0)
    return (clipped * 32768.0).round().astype("<i2").tobytes()


def downmix(interleaved: Samples, channels: int) -> Samples:
    """Average interleaved channels to mono (a trailing partial frame is a caller bug)."""
    if channels == 1:
        return interleaved
    frames = interleaved.reshape(-1, channels)
    mono: Samples = frames.mean(axis=1, dtype=np.float32)
    return mono


class StreamResampler:
    """Converts a stream of mono chunks from one rate to another without edge artefacts.

    soxr keeps filter state between calls, so chunk boundaries are inaudible; ``flush`` returns
    the filter's tail at the end of the stream.
    """

    def __init__(self, in_rate: int, out_rate: int = TARGET_RATE) -> None:
        self.in_rate = check_rate(in_rate)
        self.out_rate = out_rate
        self._stream = (
            None
            if in_rate == out_rate
            else soxr.ResampleStream(in_rate, out_rate, 1, dtype="float32", quality="HQ")
        )

    def process(self, samples: Samples) -> Samples:
        """Resample one chunk; the output length follows the rate ratio over the stream."""
        if self._stream is None:
            return samples.astype(np.float32, copy=False)
        out: Samples = self._stream.resample_chunk(samples.astype(np.float32, copy=False))
        return out

    def flush(self) -> Samples:
        """Return what the filter still holds; call once at the end of the stream."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        out: Samples = self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
        return out


class Normalizer:
    """Interleaved PCM at any rate and channel count in, mono float32 at ``TARGET_RATE`` out.

    The one place a source's audio is made what the pipeline takes. The format may change
    mid-stream (a call whose codec is renegotiated): the resampler starts afresh with it.
    """

    def __init__(self) -> None:
        self._format: tuple[int, int] | None = None
        self._resampler: StreamResampler | None = None

    def s16le(self, data: bytes, sample_rate: int, channels: int) -> Samples:
        """Little-endian 16-bit interleaved samples (a partial frame at the end is dropped)."""
        frame = 2 * channels
        return self.floats(
            s16le_to_float(data[: len(data) - len(data) % frame]), sample_rate, channels
        )

    def floats(self, samples: Samples, sample_rate: int, channels: int) -> Samples:
        """Float32 interleaved samples in [-1, 1]."""
        if self._format != (sample_rate, channels):
            self._format = (sample_rate, check_channels(channels))
            self._resampler = StreamResampler(sample_rate, TARGET_RATE)
        assert self._resampler is not None
        usable = len(samples) - len(samples) % channels
        return self._resampler.process(downmix(samples[:usable], channels))

    def flush(self) -> Samples:
        """The resampler's tail at the end of the stream."""
        if self._resampler is None:
            return np.zeros(0, dtype=np.float32)
        return self._resampler.flush()


def resample(samples: Samples, in_rate: int, out_rate: int = TARGET_RATE) -> Samples:
    """Resample a whole signal in one call."""
    if in_rate == out_rate:
        return samples.astype(np.float32, copy=False)
    out: Samples = soxr.resample(samples.astype(np.float32, copy=False), in_rate, out_rate, "HQ")
    return out.astype(np.float32, copy=False)


__all__ = [
    "TARGET_RATE",
    "Normalizer",
    "Samples",
    "StreamResampler",
    "check_channels",
    "check_rate",
    "downmix",
    "float_to_s16le",
    "resample",
    "s16le_to_float",
]
