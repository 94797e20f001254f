"""Streaming decoders for the encodings Symbl's Streaming API declares, to mono float32 16 kHz.

``StreamDecoder.feed(chunk)`` takes the bytes of one WebSocket message (any size, split
anywhere) and returns the audio it completed; ``flush()`` ends the stream. Container and codec
framing is parsed here (sans-I/O); PyAV only decodes whole FLAC frames and Opus packets.
"""

from __future__ import annotations

from enum import StrEnum

import av
import numpy as np

from callscribe.audio.files import frame_to_mono
from callscribe.audio.flac import MAGIC as FLAC_MAGIC
from callscribe.audio.flac import FlacFramer
from callscribe.audio.g711 import mulaw_to_float
from callscribe.audio.ogg import CAPTURE as OGG_MAGIC
from callscribe.audio.ogg import OggPacketReader
from callscribe.audio.pcm import (
    TARGET_RATE,
    Samples,
    StreamResampler,
    check_channels,
    check_rate,
    downmix,
    s16le_to_float,
)
from callscribe.errors import UnsupportedMedia, ValidationFailed

_EMPTY = np.zeros(0, dtype=np.float32)
_OPUS_RATE = 48000


class Encoding(StrEnum):
    """Audio encodings a streaming client may declare (Symbl's ``encoding`` field)."""

    LINEAR16 = "LINEAR16"
    MULAW = "MULAW"
    FLAC = "FLAC"
    OPUS = "OPUS"

    @classmethod
    def parse(cls, value: str) -> Encoding:
        """Case-insensitive; ``OGG_OPUS`` is accepted as ``OPUS``."""
        name = value.strip().upper().replace("-", "_")
        if name == "OGG_OPUS":
            name = "OPUS"
        try:
            return cls(name)
        except ValueError:
            allowed = ", ".join(e.value for e in cls)
            raise ValidationFailed(f"encoding {value!r} is not one of {allowed}") from None


_FOREIGN_MAGIC = {b"RIFF": "WAV", FLAC_MAGIC: "FLAC", OGG_MAGIC: "Ogg", b"ID3": "MP3"}


def _sniff(head: bytes) -> str | None:
    for magic, name in _FOREIGN_MAGIC.items():
        if head.startswith(magic):
            return name
    return None


class StreamDecoder:
    """One audio stream: declared encoding, rate and channels in, mono float32 16 kHz out."""

    def __init__(
        self,
        encoding: Encoding | str,
        sample_rate: int,
        channels: int = 1,
        *,
        out_rate: int = TARGET_RATE,
    ) -> None:
        self.encoding = encoding if isinstance(encoding, Encoding) else Encoding.parse(encoding)
        self.sample_rate = check_rate(sample_rate)
        self.channels = check_channels(channels)
        self.out_rate = out_rate
        self._started = False
        self._pending = bytearray()
        self._bytes_in = 0
        self._resampler: StreamResampler | None = None
        self._flac: FlacFramer | None = None
        self._ogg: OggPacketReader | None = None
        self._codec: av.AudioCodecContext | None = None
        self._to_float: av.AudioResampler | None = None
        self._opus_skip = 0
        self._wav_header = False

    def feed(self, chunk: bytes) -> Samples:
        """Decode the bytes of one message; returns the newly complete audio (may be empty)."""
        if not chunk:
            return _EMPTY
        if not self._started:
            self._pending += chunk
            # wait for 4 bytes to sniff a container; a tiny raw Opus packet need not wait
            if len(self._pending) < 4 and (
                self.encoding is not Encoding.OPUS
                or any(m.startswith(self._pending) for m in _FOREIGN_MAGIC)
            ):
                return _EMPTY
            chunk, self._started = bytes(self._pending), True
            self._pending.clear()
            self._check_start(chunk)
        self._bytes_in += len(chunk)
        if self.encoding is Encoding.LINEAR16:
            return self._pcm(s16le_to_float(self._aligned(chunk, 2)))
        if self.encoding is Encoding.MULAW:
            return self._pcm(mulaw_to_float(self._aligned(chunk, 1)))
        if self.encoding is Encoding.FLAC:
            assert self._flac is not None
            return self._decode_packets(self._flac.feed(chunk))
        return self._opus(chunk)

    def flush(self) -> Samples:
        """End of stream: decode what is still buffered and drain the resampler."""
        parts: list[Samples] = []
        if not self._started and self._pending:
            raise UnsupportedMedia(
                f"{self.encoding.value} stream ended after only {len(self._pending)} bytes"
            )
        if self._flac is not None:
            parts.append(self._decode_packets(self._flac.flush()))
        if self._codec is not None:
            parts.append(self._frames_to_pcm(self._codec.decode(None)))
        if self._resampler is not None:
            parts.append(self._resampler.flush())
        return np.concatenate(parts) if parts else _EMPTY

    @property
    def bytes_in(self) -> int:
        """Bytes accepted so far (for limits and logging)."""
        return self._bytes_in

    # --- encodings --------------------------------------------------------------------------

    def _check_start(self, head: bytes) -> None:
        found = _sniff(head)
        enc = self.encoding
        if enc is Encoding.FLAC:
            if not head.startswith(FLAC_MAGIC):
                what = f"{found} data" if found else f"bytes {head[:4]!r}"
                raise UnsupportedMedia(f"declared FLAC but the stream starts with {what}")
            self._flac = FlacFramer()
        elif enc is Encoding.OPUS:
            if found not in (None, "Ogg"):
                raise UnsupportedMedia(f"declared OPUS but the stream starts with {found} data")
            if found == "Ogg":
                self._ogg = OggPacketReader()
            self._open_codec("opus", _OPUS_RATE, self.channels)
        elif found is not None and not (enc is Encoding.LINEAR16 and found == "WAV"):
            raise UnsupportedMedia(f"declared {enc.value} but the stream starts with {found} data")
        elif found == "WAV":
            self._wav_header = True

    def _aligned(self, chunk: bytes, sample_bytes: int) -> bytes:
        """Whole frames of interleaved samples; a split sample waits for the next chunk."""
        self._pending += chunk
        if self._wav_header:
            start = _wav_data_offset(bytes(self._pending), self.sample_rate, self.channels)
            if start is None:
                return b""
            del self._pending[:start]
            self._wav_header = False
        frame = sample_bytes * self.channels
        usable = len(self._pending) - len(self._pending) % frame
        data = bytes(self._pending[:usable])
        del self._pending[:usable]
        return data

    def _pcm(self, samples: Samples) -> Samples:
        samples = downmix(samples, self.channels)
        if self._resampler is None:
            self._resampler = StreamResampler(self.sample_rate, self.out_rate)
        return self._resampler.process(samples)

    def _opus(self, chunk: bytes) -> Samples:
        if self._ogg is None:
            return self._decode_packets([chunk])
        packets = self._ogg.feed(chunk)
        audio: list[bytes] = []
        for packet in packets:
            if packet.startswith(b"OpusHead"):
                if len(packet) < 19:
                    raise UnsupportedMedia("Ogg/Opus: OpusHead packet is truncated")
                self._opus_skip = int.from_bytes(packet[10:12], "little")
                self._open_codec("opus", _OPUS_RATE, max(1, packet[9]), extradata=packet)
            elif not packet.startswith(b"OpusTags"):
                audio.append(packet)
        out = self._decode_packets(audio)
        if self._opus_skip and len(out):
            drop = min(len(out), round(self._opus_skip * self.out_rate / _OPUS_RATE))
            self._opus_skip -= round(drop * _OPUS_RATE / self.out_rate)
            out = out[drop:]
        return out

    # --- PyAV -------------------------------------------------------------------------------

    def _open_codec(
        self, name: str, rate: int, channels: int, *, extradata: bytes | None = None
    ) -> None:
        codec = av.CodecContext.create(name, "r")
        assert isinstance(codec, av.AudioCodecContext)
        codec.sample_rate = rate
        codec.layout = "stereo" if channels == 2 else "mono"
        if extradata is not None:
            codec.extradata = extradata
        self._codec = codec
        self._to_float = av.AudioResampler(format="fltp")
        self._resampler = StreamResampler(rate, self.out_rate)

    def _decode_packets(self, packets: list[bytes]) -> Samples:
        if not packets:
            return _EMPTY
        if self._codec is None and self._flac is not None:
            info = self._flac.stream_info
            assert info is not None
            self._open_codec("flac", info.sample_rate, info.channels, extradata=info.raw)
        assert self._codec is not None
        frames: list[av.AudioFrame] = []
        for i, packet in enumerate(packets):
            try:
                frames.extend(self._codec.decode(av.Packet(packet)))
            except av.error.FFmpegError as exc:
                raise UnsupportedMedia(
                    f"{self.encoding.value} stream: packet {i} of this chunk "
                    f"({len(packet)} bytes) does not decode: {exc}"
                ) from exc
        return self._frames_to_pcm(frames)

    def _frames_to_pcm(self, frames: list[av.AudioFrame]) -> Samples:
        assert self._to_float is not None
        assert self._resampler is not None
        parts = [frame_to_mono(frame, self._to_float) for frame in frames]
        if not parts:
            return _EMPTY
        return self._resampler.process(np.concatenate(parts))


def _wav_data_offset(head: bytes, rate: int, channels: int) -> int | None:
    """Offset of PCM after a RIFF/WAVE header, checking it matches the declared format."""
    if len(head) < 12:
        return None
    if head[8:12] != b"WAVE":
        raise UnsupportedMedia("LINEAR16 stream starts with RIFF but is not WAVE")
    pos = 12
    while len(head) >= pos + 8:
        cid, size = head[pos : pos + 4], int.from_bytes(head[pos + 4 : pos + 8], "little")
        if cid == b"data":
            return pos + 8
        if len(head) < pos + 8 + size:
            return None
        if cid == b"fmt ":
            fmt, ch = int.from_bytes(head[pos + 8 : pos + 10], "little"), head[pos + 10]
            sr = int.from_bytes(head[pos + 12 : pos + 16], "little")
            bits = int.from_bytes(head[pos + 22 : pos + 24], "little")
            if fmt not in (1, 0xFFFE) or bits != 16:
                raise UnsupportedMedia(
                    f"LINEAR16 stream carries a WAV header of format {fmt}, {bits}-bit; "
                    "only 16-bit PCM is LINEAR16"
                )
            if sr != rate or ch != channels:
                raise ValidationFailed(
                    f"sampleRateHertz {rate}/channels {channels} declared, "
                    f"but the WAV header says {sr} Hz/{ch} channel(s)"
                )
        pos += 8 + size + (size & 1)
    return None


__all__ = ["Encoding", "StreamDecoder"]
