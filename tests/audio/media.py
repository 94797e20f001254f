"""Builds small media files of every kind with PyAV, so decoders are tested on real encodings."""

from __future__ import annotations

import io

import av
import numpy as np
from numpy.typing import NDArray


def encode(
    samples: NDArray[np.float32],
    rate: int,
    *,
    container: str,
    codec: str,
    channels: int = 1,
    out_rate: int | None = None,
) -> bytes:
    """Encode mono float32 into ``container``/``codec`` (duplicated to ``channels``)."""
    out_rate = out_rate or rate
    buf = io.BytesIO()
    with av.open(buf, "w", format=container) as out:
        stream = out.add_stream(codec, rate=out_rate)
        stream.layout = "stereo" if channels == 2 else "mono"
        ints = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
        frame_data = np.repeat(ints[None, :], channels, axis=0).T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(frame_data), format="s16", layout=stream.layout
        )
        frame.sample_rate = rate
        resampler = av.AudioResampler(
            format=stream.codec_context.format, layout=stream.layout, rate=out_rate
        )
        frames = resampler.resample(frame) + resampler.resample(None)
        for converted in frames:
            for packet in stream.encode(converted):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def chunks(data: bytes, sizes: tuple[int, ...] = (1, 7, 160, 333, 4096)) -> list[bytes]:
    """Split ``data`` into awkward sizes, cycling through ``sizes``."""
    out: list[bytes] = []
    pos, i = 0, 0
    while pos < len(data):
        size = sizes[i % len(sizes)]
        out.append(data[pos : pos + size])
        pos += size
        i += 1
    return out
