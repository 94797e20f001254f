"""Match results to utterances by stream time and summarise latencies (sans-I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.latency.client import Arrival
from bench.latency.script import Utterance

# Whisper's word times can stray a little past the energy-based speech bounds.
SLACK = 0.5


@dataclass(frozen=True, slots=True)
class Summary:
    """Percentiles of a latency sample, in seconds (NaN when the sample is empty)."""

    count: int
    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(0, float("nan"), float("nan"), float("nan"))
        a = np.asarray(values, dtype=np.float64)
        return cls(len(a), float(np.percentile(a, 50)), float(np.percentile(a, 95)), float(a.max()))

    def shifted(self, by: float) -> Summary:
        return Summary(self.count, self.p50 + by, self.p95 + by, self.max + by)

    def line(self) -> str:
        return f"p50 {self.p50:6.3f} s   p95 {self.p95:6.3f} s   max {self.max:6.3f} s"


def _overlap(a: Arrival, u: Utterance) -> float:
    return min(a.end, u.end + SLACK) - max(a.start, u.start - SLACK)


def assign(arrivals: Sequence[Arrival], utterances: Sequence[Utterance]) -> list[list[Arrival]]:
    """Each arrival goes to the utterance its stream-time span overlaps most (none if none)."""
    out: list[list[Arrival]] = [[] for _ in utterances]
    for a in arrivals:
        best = max(range(len(utterances)), key=lambda i: _overlap(a, utterances[i]), default=None)
        if best is not None and _overlap(a, utterances[best]) > 0:
            out[best].append(a)
    return out


def latencies(
    arrivals: Sequence[Arrival], utterances: Sequence[Utterance], speech_sent: Sequence[float]
) -> tuple[list[float], int]:
    """Per matched utterance: last covering arrival minus when its last speech sample left.

    An utterance Whisper split in two is done when the part covering its end arrives, hence
    the latest arrival. Also returns how many arrivals matched no utterance.
    """
    groups = assign(arrivals, utterances)
    out = [
        max(a.at for a in group) - speech_sent[i]
        for i, group in enumerate(groups)
        if group and i < len(speech_sent)
    ]
    unmatched = len(arrivals) - sum(len(g) for g in groups)
    return out, unmatched
