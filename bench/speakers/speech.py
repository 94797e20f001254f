"""Where a clean read-speech clip has speech, from frame energy alone.

LibriSpeech clips are single-speaker, close-talking and quiet between words, so a per-clip
energy threshold finds speech well enough to trim clips, cut turns at pauses and time the truth.
It must not depend on the product's VAD: the benchmark would then score the VAD against itself.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from callscribe.audio.pcm import Samples

RATE = 16000
FRAME = RATE // 100
"""10 ms frames."""

FLOOR_MARGIN_DB = 9.0
"""Speech is this far above the clip's noise floor (its 2nd percentile frame)..."""
RANGE_DB = 40.0
"""...and no more than this below its loud frames (95th percentile): noisy clips keep words."""
MIN_ISLAND = 5
"""Frames: shorter bursts above threshold are clicks or breaths, not speech."""

Interval = tuple[int, int]
"""Start and end sample, end exclusive."""


def frame_db(samples: Samples) -> NDArray[np.float64]:
    """Energy of each whole 10 ms frame in dB full scale."""
    n = len(samples) // FRAME
    frames = samples[: n * FRAME].astype(np.float64).reshape(n, FRAME)
    out: NDArray[np.float64] = 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    return out


def speech_mask(samples: Samples) -> NDArray[np.bool_]:
    """Frames above a threshold set from the clip's own floor and peaks, minus short islands."""
    db = frame_db(samples)
    if len(db) == 0:
        return np.zeros(0, dtype=bool)
    floor, loud = np.percentile(db, [2, 95])
    mask: NDArray[np.bool_] = db > max(floor + FLOOR_MARGIN_DB, loud - RANGE_DB)
    for start, end in _runs(mask):
        if end - start < MIN_ISLAND:
            mask[start:end] = False
    return mask


def speech_intervals(samples: Samples, bridge: float) -> list[Interval]:
    """Speech stretches in samples; pauses shorter than ``bridge`` seconds are kept inside.

    Truth is timed with these: a listener hears a short pause as part of the turn, a long one
    (a sentence break) as silence that no diarizer should be asked to label.
    """
    runs = _runs(speech_mask(samples))
    merged: list[Interval] = []
    for start, end in runs:
        if merged and (start - merged[-1][1]) * FRAME < bridge * RATE:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(start * FRAME, end * FRAME) for start, end in merged]


def trim(samples: Samples, pad: float) -> Samples:
    """Cut leading and trailing non-speech, keeping ``pad`` seconds around the speech."""
    runs = _runs(speech_mask(samples))
    if not runs:
        return samples[:0]
    keep = int(pad * RATE)
    start = max(0, runs[0][0] * FRAME - keep)
    end = min(len(samples), runs[-1][1] * FRAME + keep)
    return samples[start:end]


def quietest(samples: Samples, lo: int, hi: int) -> int:
    """The sample index in [lo, hi) at the centre of the quietest 50 ms: where to cut a turn."""
    first, last = lo // FRAME, max(lo // FRAME + 1, hi // FRAME)
    db = frame_db(samples[first * FRAME : last * FRAME])
    if len(db) < 5:
        return lo
    smooth = np.convolve(db, np.ones(5) / 5, mode="same")
    return (first + int(np.argmin(smooth))) * FRAME


def _runs(mask: NDArray[np.bool_]) -> list[Interval]:
    """Start and end (exclusive) frame of each run of True."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


__all__ = [
    "FRAME",
    "RATE",
    "Interval",
    "frame_db",
    "quietest",
    "speech_intervals",
    "speech_mask",
    "trim",
]
