"""One utterance's words into runs of one voice each.

The recogniser cuts utterances at pauses of about 0.6 s, but people take turns after 0.1–0.5 s,
so one utterance often holds two speakers. :func:`split_runs` looks for the word gap where the
voice changes most: the voices of the two seconds either side of each gap are compared, and the
utterance is split at the least similar gap when the two sides are unlike each other (or are
like two different known speakers); each side is then searched again. Each side must hold
``min_side`` seconds of speech: shorter stretches give unreliable embeddings.

:class:`VoiceSeparator` keeps one conversation's speakers (:class:`OnlineClusters`) and gives
each run its speaker; it remembers every run's embedding for the second pass at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from callscribe.asr.types import Word
from callscribe.speakers.clusters import ClusterConfig, OnlineClusters, refine
from callscribe.speakers.encoder import Embedding, VoiceEncoder, VoiceFrames


@dataclass(frozen=True, slots=True)
class SeparationConfig:
    """Thresholds for one kind of channel (a phone line raises every similarity)."""

    clusters: ClusterConfig = field(default_factory=ClusterConfig)
    split: float = 0.45
    """Two sides of a gap less similar than this are two voices."""
    dip: float = 0.1
    """A gap this much less alike than the best gaps either side of it may be a change."""
    window: float = 2.0
    """Seconds of speech either side of a gap that are compared."""
    min_side: float = 1.0

    @classmethod
    def for_channel(cls, narrowband: bool, max_speakers: int | None = None) -> SeparationConfig:
        """Thresholds for wideband audio, or for a phone line (8 kHz, G.711)."""
        if narrowband:
            return cls(ClusterConfig(threshold=0.6, max_speakers=max_speakers), split=0.5)
        return cls(ClusterConfig(threshold=0.55, max_speakers=max_speakers), split=0.45)


@dataclass(frozen=True, slots=True)
class VoiceRun:
    """Words ``begin:end`` of an utterance spoken in one voice; ``cluster`` None: unknown."""

    begin: int
    end: int
    cluster: int | None
    start: float
    stop: float


def split_runs(
    frames: VoiceFrames,
    words: Sequence[Word],
    origin: float,
    config: SeparationConfig,
) -> list[tuple[int, int]]:
    """Word ranges where the voice may change; ``origin`` is the stream time of the frames'
    start. Candidates are word gaps with ``min_side`` seconds of speech either side; a gap is a
    split when the two sides are unlike (``split``), or when it is a dip: clearly less alike
    (by ``dip``) than the most alike gaps on both its sides. Over-splitting is cheap — runs of
    one speaker are joined again once their speakers are known."""
    n = len(words)
    if n == 0:
        return []
    first, last = words[0].start - origin, words[-1].end - origin
    sims: dict[int, float] = {}
    for k in range(1, n):
        at = (words[k - 1].end + words[k].start) / 2 - origin
        if at - first < config.min_side or last - at < config.min_side:
            continue
        left = frames.embed(max(first, at - config.window), at)
        right = frames.embed(at, min(last, at + config.window))
        sims[k] = float(left @ right)
    cuts: list[int] = []
    for k in sorted(sims, key=sims.__getitem__):
        if any(_apart(words, k, c) < config.min_side for c in cuts):
            continue
        before = [v for j, v in sims.items() if j < k and not any(j <= c < k for c in cuts)]
        after = [v for j, v in sims.items() if j > k and not any(k < c <= j for c in cuts)]
        if sims[k] < config.split or (
            before and after and sims[k] <= min(max(before), max(after)) - config.dip
        ):
            cuts.append(k)
    bounds = [0, *sorted(cuts), n]
    return list(itertools.pairwise(bounds))


def _apart(words: Sequence[Word], a: int, b: int) -> float:
    """Seconds of speech between word gaps ``a`` and ``b``."""
    lo, hi = min(a, b), max(a, b)
    return words[hi - 1].end - words[lo].start if hi > lo else 0.0


@dataclass(slots=True)
class _Stretch:
    embedding: Embedding
    seconds: float
    cluster: int | None


class VoiceSeparator:
    """One conversation's voices. Blocking (the network runs here): call off the event loop."""

    def __init__(self, encoder: VoiceEncoder, config: SeparationConfig) -> None:
        self.encoder = encoder
        self.config = config
        self.clusters = OnlineClusters(config.clusters)
        self.stretches: list[_Stretch] = []

    def runs(self, audio: np.ndarray, origin: float, words: Sequence[Word]) -> list[VoiceRun]:
        """The utterance's runs with their speakers; ``audio`` starts at stream time
        ``origin`` and covers the words."""
        if not words:
            return []
        frames = self.encoder.frames(audio)
        out: list[VoiceRun] = []
        for begin, end in split_runs(frames, words, origin, self.config):
            start, stop = words[begin].start, words[end - 1].end
            embedding = frames.embed(start - origin, stop - origin)
            seconds = stop - start
            found = self.clusters.assign(embedding, seconds)
            cluster = found.cluster if found is not None else None
            if out and out[-1].cluster == cluster and cluster is not None:
                last = out[-1]
                out[-1] = VoiceRun(last.begin, end, cluster, last.start, stop)
                joined = frames.embed(last.start - origin, stop - origin)
                self.stretches[-1] = _Stretch(joined, stop - last.start, cluster)
                continue
            self.stretches.append(_Stretch(embedding, seconds, cluster))
            out.append(VoiceRun(begin, end, cluster, start, stop))
        return out

    def second_pass(self) -> list[int | None]:
        """Every run's speaker again, from all of the call at once (same numbering: names
        given to speakers meanwhile stay with their voices)."""
        return refine(
            [s.embedding for s in self.stretches],
            [s.seconds for s in self.stretches],
            [s.cluster for s in self.stretches],
            speakers=self.config.clusters.max_speakers,
            min_seconds=self.config.clusters.min_update,
        )


__all__ = ["SeparationConfig", "VoiceRun", "VoiceSeparator", "split_runs"]
