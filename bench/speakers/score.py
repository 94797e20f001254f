"""Scoring speaker separation against the truth, as a reader of the transcript would feel it.

Pure functions on segments ``(start, end, label)`` in seconds:

* **speech time right**: on a 10 ms grid over the truth's speech, the share of frames whose
  hypothesis label maps to a speaker talking there, under the one-to-one mapping of hypothesis
  labels to truth speakers that maximises it (Hungarian, ``linear_sum_assignment``). Where two
  truth speakers overlap, either is right. Truth speech with no hypothesis label is wrong, and is
  also reported alone as **miss**. Where the hypothesis gives a frame several labels, each gets
  an equal part of the frame, so labelling everything with every label gains nothing.
  Frames outside the truth's speech are not scored (no false-alarm term: a diarizer is not a VAD).
* **words right**: for hypothesis words, the share whose label maps to the truth speaker at the
  word's midpoint (the nearest truth segment when the midpoint is in a gap), same mapping.
* **speakers**: labels found against truth speakers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

STEP = 0.01
"""Seconds per grid frame."""

Segment = tuple[float, float, str]
"""(start, end, label): speech, or a word, with a speaker label."""


@dataclass(frozen=True, slots=True)
class Score:
    """One call's counts; shares are properties so that calls can also be pooled by counts."""

    frames: int
    right: float
    missed: int
    words: int
    words_right: int
    found: int
    speakers: int
    mapping: tuple[tuple[str, str], ...]

    @property
    def speech_right(self) -> float:
        return self.right / self.frames if self.frames else math.nan

    @property
    def miss(self) -> float:
        return self.missed / self.frames if self.frames else math.nan

    @property
    def words_share(self) -> float:
        return self.words_right / self.words if self.words else math.nan


def score(
    truth: Sequence[Segment], hypothesis: Sequence[Segment], words: Sequence[Segment] = ()
) -> Score:
    """Score one call; see the module docstring for what is counted."""
    speakers = sorted({s[2] for s in truth})
    labels = sorted({s[2] for s in hypothesis})
    frames = math.ceil(max((s[1] for s in truth), default=0.0) / STEP)
    truth_grid = _grid(truth, speakers, frames)
    speech = truth_grid.any(axis=1)
    hyp_grid = _grid(hypothesis, labels, frames)[speech].astype(np.float64)
    per_frame = hyp_grid.sum(axis=1, keepdims=True)
    weights = np.divide(hyp_grid, per_frame, out=np.zeros_like(hyp_grid), where=per_frame > 0)
    overlap = weights.T @ truth_grid[speech].astype(np.float64)  # labels x speakers
    mapping = _best_mapping(overlap, labels, speakers)
    right = sum(overlap[labels.index(label), speakers.index(who)] for label, who in mapping.items())
    words_right = sum(
        label in mapping and mapping[label] in speaking_at(truth, (a + b) / 2)
        for a, b, label in words
    )
    return Score(
        frames=int(speech.sum()),
        right=float(right),
        missed=int((per_frame[:, 0] == 0).sum()),
        words=len(words),
        words_right=words_right,
        found=len(labels),
        speakers=len(speakers),
        mapping=tuple(sorted(mapping.items())),
    )


def speaking_at(truth: Sequence[Segment], t: float) -> set[str]:
    """Who is talking at ``t``; in a gap, the speaker(s) of the nearest truth segment."""
    inside = {who for start, end, who in truth if start <= t < end}
    if inside or not truth:
        return inside
    distance = [max(start - t, t - end) for start, end, _ in truth]
    nearest = min(distance)
    return {who for (_, _, who), d in zip(truth, distance, strict=True) if d == nearest}


def _grid(segments: Sequence[Segment], labels: list[str], frames: int) -> NDArray[np.bool_]:
    """frames x labels: is the label active at the frame's centre."""
    grid = np.zeros((frames, len(labels)), dtype=bool)
    column = {label: i for i, label in enumerate(labels)}
    for start, end, label in segments:
        first = max(0, math.ceil(start / STEP - 0.5))
        last = min(frames, math.ceil(end / STEP - 0.5))
        grid[first:last, column[label]] = True
    return grid


def _best_mapping(
    overlap: NDArray[np.float64], labels: list[str], speakers: list[str]
) -> dict[str, str]:
    """The one-to-one label -> speaker mapping with the most right frames; unmatched labels are
    always wrong (a speaker split in two scores only its larger part)."""
    if not labels or not speakers:
        return {}
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    return {labels[r]: speakers[c] for r, c in zip(rows, cols, strict=True)}


def _selfcheck() -> None:
    """Hand-made cases with known answers (move into tests/ as they are)."""
    truth = [(0.0, 2.0, "A"), (2.5, 4.5, "B"), (4.0, 5.0, "A")]  # 4.0-4.5: A and B overlap

    perfect = score(truth, [(0.0, 2.0, "x"), (2.5, 4.0, "y"), (4.0, 5.0, "x")])
    assert perfect.frames == 450
    assert perfect.speech_right == 1.0
    assert perfect.miss == 0.0
    assert dict(perfect.mapping) == {"x": "A", "y": "B"}, "labels are mapped, names do not matter"

    either = score(truth, [(0.0, 2.0, "x"), (2.5, 4.5, "y"), (4.5, 5.0, "x")])
    assert either.speech_right == 1.0, "in an overlap either truth speaker is right"

    one_label = score(truth, [(0.0, 5.0, "x")])
    assert math.isclose(one_label.speech_right, 300 / 450), "one label: only A's frames"
    assert one_label.found == 1
    assert one_label.speakers == 2

    half = score(truth, [(0.0, 1.0, "x"), (2.5, 4.5, "y")])
    assert math.isclose(half.miss, 150 / 450), "1-2 s and 4.5-5 s have no label"
    assert math.isclose(half.speech_right, 300 / 450), "a miss is also wrong"

    swapped = score(truth, [(0.0, 2.0, "x"), (2.5, 4.0, "x"), (4.0, 5.0, "y")])
    assert math.isclose(swapped.speech_right, 250 / 450), "one-to-one: x and y cannot both be A"

    split = score(truth, [(0.0, 1.0, "x"), (1.0, 2.0, "z"), (2.5, 4.0, "y"), (4.0, 5.0, "x")])
    assert math.isclose(split.speech_right, 350 / 450)
    assert split.found == 3

    everything = score(truth, [(0.0, 5.0, "x"), (0.0, 5.0, "y")])
    assert math.isclose(everything.speech_right, 0.5 * (300 + 200) / 450), "no gain from all labels"

    words = [(0.2, 0.6, "x"), (2.1, 2.3, "y"), (2.3, 2.5, "y"), (4.1, 4.3, "x"), (9.0, 9.5, "q")]
    worded = score(truth, [(0.0, 2.0, "x"), (2.5, 4.0, "y"), (4.0, 5.0, "x")], words)
    # 2.2 is nearer A's end (2.0) than B's start (2.5): wrong for y; 2.4 is nearer B: right;
    # 4.2 is in the overlap: x -> A is right; "q" is no mapped label: wrong.
    assert worded.words == 5
    assert worded.words_right == 3
    assert speaking_at(truth, 2.25) == {"A", "B"}, "a tie in a gap: both are nearest"

    assert score([], [(0.0, 1.0, "x")]).frames == 0
    assert math.isnan(score([], []).speech_right)


__all__ = ["STEP", "Score", "Segment", "score", "speaking_at"]

if __name__ == "__main__":
    _selfcheck()
    print("score: self-check passed")
