"""Sans-I/O framers: Ogg pages → packets, FLAC stream → frames, on PyAV/sox-encoded media."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from callscribe.audio.flac import FlacFramer
from callscribe.audio.ogg import OggPacketReader
from callscribe.errors import UnsupportedMedia

from .media import chunks, encode


def _container_packets(data: bytes) -> list[bytes]:
    with av.open(io.BytesIO(data)) as c:
        return [bytes(p) for p in c.demux(audio=0) if p.size]


def test_ogg_reader_reassembles_packets_from_any_slicing(prompt_audio: np.ndarray) -> None:
    data = encode(prompt_audio, 16000, container="ogg", codec="libopus", out_rate=48000)
    reader = OggPacketReader()
    packets = [p for part in chunks(data) for p in reader.feed(part)]
    assert packets[0].startswith(b"OpusHead")
    assert packets[1].startswith(b"OpusTags")
    assert packets[2:] == _container_packets(data)
    assert reader.pending_bytes == 0


def test_ogg_reader_rejects_other_data() -> None:
    with pytest.raises(UnsupportedMedia, match="capture pattern 'OggS' at byte 0"):
        OggPacketReader().feed(b"RIFF" + bytes(40))


def test_flac_framer_splits_exactly_the_container_frames(prompt_audio: np.ndarray) -> None:
    data = encode(prompt_audio, 16000, container="flac", codec="flac")
    framer = FlacFramer()
    frames = [f for part in chunks(data) for f in framer.feed(part)] + framer.flush()
    assert framer.stream_info is not None
    assert framer.stream_info.sample_rate == 16000
    assert framer.stream_info.channels == 1
    assert frames == _container_packets(data)


def test_flac_framer_holds_only_the_open_frame(prompt_audio: np.ndarray) -> None:
    data = encode(prompt_audio, 16000, container="flac", codec="flac")
    framer = FlacFramer()
    released = framer.feed(data)
    assert len(released) == len(_container_packets(data)) - 1
    assert len(framer.flush()) == 1


def test_flac_framer_rejects_non_flac_and_truncated_headers() -> None:
    with pytest.raises(UnsupportedMedia, match="expected 'fLaC' at byte 0"):
        FlacFramer().feed(b"OggS\x00\x02" + bytes(30))
    framer = FlacFramer()
    framer.feed(b"fLaC\x80\x00\x00\x22" + bytes(10))
    with pytest.raises(UnsupportedMedia, match="ended inside its metadata"):
        framer.flush()
