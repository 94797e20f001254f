"""Encode 16 kHz mono audio to a file as it comes (blocking; callers run it in a thread).

Ogg/Opus by default: speech at 32 kb/s, about 14 MB for an hour, and a stream of
independent pages, so a file cut short by a crash still decodes up to its last page (pages
of 0.2 s, flushed to disk as they are muxed). FLAC when the audio must be kept bit for bit (the
16 kHz signal the recogniser heard, about 4× larger than Opus).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av
import numpy as np

from callscribe.audio.files import iter_file
from callscribe.audio.pcm import TARGET_RATE, Samples

Format = Literal["opus", "flac"]


@dataclass(frozen=True, slots=True)
class Codec:
    container: str
    codec: str
    extension: str
    media_type: str
    bit_rate: int | None
    options: dict[str, str]


CODECS: dict[str, Codec] = {
    # Ogg pages of 0.2 s (FFmpeg's default is 1 s): a crash loses at most that much.
    "opus": Codec("ogg", "libopus", "ogg", "audio/ogg", 32_000, {"page_duration": "200000"}),
    "flac": Codec("flac", "flac", "flac", "audio/flac", None, {}),
}


class AudioWriter:
    """One file being written: :meth:`write` blocks of samples, then :meth:`close`."""

    def __init__(self, path: Path, fmt: Format, rate: int = TARGET_RATE) -> None:
        codec = CODECS[fmt]
        self.path = path
        self.rate = rate
        self.samples = 0
        self._container = av.open(
            str(path), "w", format=codec.container, options={"flush_packets": "1", **codec.options}
        )
        stream = self._container.add_stream(codec.codec, rate=rate, layout="mono")
        assert isinstance(stream, av.AudioStream)
        self._stream = stream
        if codec.bit_rate is not None:
            self._stream.bit_rate = codec.bit_rate
        self._closed = False

    @property
    def seconds(self) -> float:
        return self.samples / self.rate

    def write(self, samples: Samples) -> None:
        """Append mono float32 samples at the writer's rate."""
        if not len(samples):
            return
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = self.rate
        frame.pts = self.samples
        self.samples += len(pcm)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def write_silence(self, seconds: float) -> None:
        """Pad with ``seconds`` of silence (in one-second blocks, to bound memory)."""
        left = round(seconds * self.rate)
        while left > 0:
            block = min(left, self.rate)
            self.write(np.zeros(block, dtype=np.float32))
            left -= block

    def write_file(self, source: Path) -> None:
        """Append a whole audio file (any format the decoder reads), resampled to the rate."""
        for block in iter_file(source, rate=self.rate):
            self.write(block)

    def close(self) -> None:
        """Flush the encoder and finish the container (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
        finally:
            self._container.close()


__all__ = ["CODECS", "AudioWriter", "Codec", "Format"]
