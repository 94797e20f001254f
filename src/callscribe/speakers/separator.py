"""One utterance's words into runs of one voice each.

The recogniser cuts utterances at pauses of about 0.6 s, but people take turns after 0.1–0.5 s,
so one utterance often holds two speakers. :func:`split_runs` looks for the word gap where the
voice changes most: the voices of the two seconds either side of each gap are compared, and the
utterance is split at the least similar gap when the two sides are unlike each other (or are
like two different known speakers); each side is then searched again. Each side must hold
``min_side`` seconds of speech: shorter stretches give unreliable embeddings.

:class:`VoiceSeparator` keeps one conversation's speakers (:class:`OnlineClusters`) and gives
each run its speaker; it remembers every run's embedding and every word's voice for the second
pass at the end, which clusters the call's voices afresh (:mod:`callscribe.speakers.spectral`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from callscribe.asr.types import Word
from callscribe.speakers.clusters import ClusterConfig, OnlineClusters, refine
from callscribe.speakers.encoder import Embedding, VoiceEncoder, VoiceFrames, unit
from callscribe.speakers.resegment import viterbi, word_windows
from callscribe.speakers.spectral import spectral_clusters

MIN_WINDOWS = 40
"""Voice windows (20 s of speech) a call needs before its voices are clustered
afresh at the end: on fewer, the eigengap finds too many speakers, and the online speakers are
re-estimated instead."""
WINDOW_HOP = 0.5
"""Seconds between the word windows clustered at the end (their voices overlap a lot)."""
MAX_WINDOWS = 1000
"""The most windows clustered: a longer call spaces them further apart (the affinity
matrix grows with the square)."""


@dataclass(frozen=True, slots=True)
class SeparationConfig:
    """Thresholds for one kind of channel (a phone line raises every similarity)."""

    clusters: ClusterConfig = field(default_factory=ClusterConfig)
    split: float = 0.45
    """Two sides of a gap less similar than this are two voices."""
    change: float = 0.6
    """Live, before the words are known: the two seconds before a pause and the one second
    after it less similar than this are two voices (:meth:`VoiceSeparator.changes`)."""
    dip: float = 0.05
    """A gap this much less alike than the best gaps either side of it may be a change."""
    window: float = 2.0
    """Seconds of speech either side of a gap that are compared."""
    min_side: float = 1.0
    word_window: float = 1.5
    """Seconds of speech around a word that say whose voice it is in."""
    prior: float = 0.05
    """What keeping the speaker of a word's longer run is worth, in cosine similarity."""
    penalty: float = 0.1
    """What a change of speaker between two words costs, in cosine similarity."""
    merge: bool = True
    """At the end of a call too short to cluster afresh (``MIN_WINDOWS``), a speaker whose
    speech would join another's by the online rule, now that the whole call's voices are
    known, is that speaker (the online pass split them early)."""
    stray: float | None = None
    """At the end of a call too short to cluster afresh, a speaker with next to no speech
    joins the one they are most like only when at least this alike (None: always)."""

    @classmethod
    def for_channel(cls, narrowband: bool, max_speakers: int | None = None) -> SeparationConfig:
        """Thresholds for wideband audio, or for a phone line (8 kHz, G.711): chosen on the
        ``tune`` calls of ``bench.speakers`` (real voices) and the bundled meeting."""
        if narrowband:
            clusters = ClusterConfig(threshold=0.68, young=0.7, max_speakers=max_speakers)
            return cls(clusters, split=0.6, change=0.65, stray=0.6)
        clusters = ClusterConfig(threshold=0.6, young=0.7, max_speakers=max_speakers)
        return cls(clusters, split=0.5, change=0.6, stray=0.5)


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
    gaps: list[int] = []
    spans: list[tuple[float, float]] = []
    for k in range(1, n):
        at = (words[k - 1].end + words[k].start) / 2 - origin
        if at - first < config.min_side or last - at < config.min_side:
            continue
        gaps.append(k)
        spans += [(max(first, at - config.window), at), (at, min(last, at + config.window))]
    sides = frames.embed_many(spans)
    similar = np.einsum("ij,ij->i", sides[0::2], sides[1::2])
    sims: dict[int, float] = {k: float(v) for k, v in zip(gaps, similar, strict=True)}
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


@dataclass(slots=True)
class _Utterance:
    """What the second pass needs of an utterance: its words, their voices, and its runs
    (indexes into the separator's stretches)."""

    words: tuple[Word, ...]
    windows: NDArray[np.float32]
    stretches: list[tuple[int, int, int]]
    """(begin, end, stretch index) of each run."""


class VoiceSeparator:
    """One conversation's voices. Blocking (the network runs here): call off the event loop."""

    def __init__(self, encoder: VoiceEncoder, config: SeparationConfig) -> None:
        self.encoder = encoder
        self.config = config
        self.clusters = OnlineClusters(config.clusters)
        self.stretches: list[_Stretch] = []
        self.utterances: list[_Utterance] = []
        self.merged: dict[int, int] = {}
        """After :meth:`second_pass`: the speaker each online speaker became (by most speech)."""

    def runs(self, audio: np.ndarray, origin: float, words: Sequence[Word]) -> list[VoiceRun]:
        """The utterance's runs with their speakers; ``audio`` starts at stream time
        ``origin`` and covers the words."""
        if not words:
            return []
        cfg = self.config
        frames = self.encoder.frames(audio)
        windows = word_windows(frames, words, origin, cfg.word_window)
        labels: list[int | None] = []
        for begin, end in split_runs(frames, words, origin, cfg):
            start, stop = words[begin].start, words[end - 1].end
            found = self.clusters.assign(frames.embed(start - origin, stop - origin), stop - start)
            labels += [found.cluster if found is not None else None] * (end - begin)
        if len(self.clusters) >= 2 and any(x is not None for x in labels):
            scores = windows @ self.clusters.centroids().T
            labels = list(viterbi(scores, labels, weight=cfg.prior, penalty=cfg.penalty))
        out: list[VoiceRun] = []
        record = _Utterance(tuple(words), windows, [])
        spans = _spans(labels)
        times = [(words[begin].start, words[end - 1].end) for begin, end, _ in spans]
        embeddings = frames.embed_many([(a - origin, b - origin) for a, b in times])
        for (begin, end, cluster), (start, stop), embedding in zip(
            spans, times, embeddings, strict=True
        ):
            record.stretches.append((begin, end, len(self.stretches)))
            self.stretches.append(_Stretch(embedding, stop - start, cluster))
            out.append(VoiceRun(begin, end, cluster, start, stop))
        self.utterances.append(record)
        return out

    def changes(self, audio: np.ndarray, pause: tuple[float, float]) -> bool:
        """Another voice speaks after the ``pause`` (seconds into ``audio``) than before it:
        the two sides are less alike than ``change``. Blocking."""
        frames = self.encoder.frames(audio)
        sides = frames.embed_many([(0.0, pause[0]), (pause[1], frames.duration)])
        return float(sides[0] @ sides[1]) < self.config.change

    def second_pass(self) -> list[list[VoiceRun]]:
        """Every utterance's runs again, from all of the call at once: the call's voice
        windows clustered afresh (:func:`spectral_clusters`) when there are enough of them,
        else the online speakers re-estimated (:func:`refine`); then each utterance's words
        labelled against the speakers. Speakers are numbered by first appearance;
        :attr:`merged` says which one each online speaker became."""
        picked = self._windows()
        if len(picked) >= MIN_WINDOWS:
            return self._respectral(picked)
        return self._refined()

    def _windows(self) -> list[tuple[int, int]]:
        """(utterance, word) of the word windows to cluster: one every ``WINDOW_HOP`` seconds
        of speech, or sparser, so that there are at most ``MAX_WINDOWS``."""
        speech = sum(u.words[-1].end - u.words[0].start for u in self.utterances if u.words)
        hop = max(WINDOW_HOP, speech / MAX_WINDOWS)
        picked: list[tuple[int, int]] = []
        for ui, u in enumerate(self.utterances):
            last = -np.inf
            for wi, word in enumerate(u.words):
                middle = (word.start + word.end) / 2
                if middle - last >= hop:
                    picked.append((ui, wi))
                    last = middle
        return picked

    def _respectral(self, picked: list[tuple[int, int]]) -> list[list[VoiceRun]]:
        """Spectral clustering of the ``picked`` word windows, then each utterance's words by
        Viterbi against the speakers' centroids, starting from the label of the last
        clustered window before them."""
        cfg = self.config
        vectors = np.stack([self.utterances[ui].windows[wi] for ui, wi in picked])
        labels = spectral_clusters(vectors, speakers=cfg.clusters.max_speakers)
        keys = sorted(set(labels.tolist()))
        matrix = np.stack([unit(vectors[labels == k].mean(axis=0)) for k in keys])
        seeded: dict[tuple[int, int], int] = {
            at: int(label) for at, label in zip(picked, labels, strict=True)
        }
        out: list[list[VoiceRun]] = []
        finals: list[int | None] = [None] * len(self.stretches)
        for ui, u in enumerate(self.utterances):
            prior: list[int | None] = []
            current: int | None = None
            for wi in range(len(u.words)):
                current = seeded.get((ui, wi), current)
                prior.append(current)
            first = next((p for p in prior if p is not None), None)
            prior = [first if p is None else p for p in prior]
            if len(keys) >= 2:
                best = viterbi(u.windows @ matrix.T, prior, weight=cfg.prior, penalty=cfg.penalty)
                final = [int(b) for b in best]
            else:
                final = [0] * len(u.words)
            for begin, end, index in u.stretches:
                finals[index] = max(set(final[begin:end]), key=final[begin:end].count)
            out.append(_voice_runs(u.words, final))
        self.merged = _majority(
            [s.cluster for s in self.stretches], finals, [s.seconds for s in self.stretches]
        )
        return out

    def _refined(self) -> list[list[VoiceRun]]:
        """The online speakers re-estimated from every stretch (:func:`refine`), for calls
        too short to cluster afresh. The numbering is the online pass's."""
        cfg = self.config
        labels = refine(
            [s.embedding for s in self.stretches],
            [s.seconds for s in self.stretches],
            [s.cluster for s in self.stretches],
            speakers=cfg.clusters.max_speakers,
            join=cfg.clusters if cfg.merge else None,
            stray_above=cfg.stray,
            min_seconds=cfg.clusters.min_update,
        )
        self.merged = _majority(
            [s.cluster for s in self.stretches], labels, [s.seconds for s in self.stretches]
        )
        keys = sorted({x for x in labels if x is not None})
        centroids = {
            k: unit(
                np.sum(
                    [
                        s.embedding * s.seconds
                        for s, x in zip(self.stretches, labels, strict=True)
                        if x == k
                    ],
                    axis=0,
                ).astype(np.float32)
            )
            for k in keys
        }
        out: list[list[VoiceRun]] = []
        for u in self.utterances:
            prior: list[int | None] = []
            for begin, end, index in u.stretches:
                label = labels[index]
                prior += [keys.index(label) if label is not None else None] * (end - begin)
            if len(keys) >= 2:
                matrix = np.stack([centroids[k] for k in keys])
                best = viterbi(u.windows @ matrix.T, prior, weight=cfg.prior, penalty=cfg.penalty)
                final: list[int | None] = [keys[b] for b in best]
            else:
                final = [keys[p] if p is not None else None for p in prior]
            out.append(_voice_runs(u.words, final))
        return out


def _majority(
    before: Sequence[int | None], after: Sequence[int | None], seconds: Sequence[float]
) -> dict[int, int]:
    """Each ``before`` label's ``after`` label by most seconds of speech."""
    held: dict[int, dict[int, float]] = {}
    for b, a, w in zip(before, after, seconds, strict=True):
        if b is not None and a is not None:
            held.setdefault(b, {}).setdefault(a, 0.0)
            held[b][a] += w
    return {b: max(votes, key=votes.__getitem__) for b, votes in held.items()}


def _voice_runs(words: Sequence[Word], labels: Sequence[int | None]) -> list[VoiceRun]:
    """Each run of equally labelled words as a :class:`VoiceRun` with its words' times."""
    return [VoiceRun(a, b, c, words[a].start, words[b - 1].end) for a, b, c in _spans(labels)]


def _spans(labels: Sequence[int | None]) -> list[tuple[int, int, int | None]]:
    """Runs of equal labels as (begin, end, label)."""
    out: list[tuple[int, int, int | None]] = []
    for i, label in enumerate(labels):
        if out and out[-1][2] == label:
            out[-1] = (out[-1][0], i + 1, label)
        else:
            out.append((i, i + 1, label))
    return out


__all__ = ["SeparationConfig", "VoiceRun", "VoiceSeparator", "split_runs"]
