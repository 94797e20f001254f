"""Voices into speakers: online clustering of embeddings, and a second pass over a whole call.

Online (:class:`OnlineClusters`), as a call runs: an embedding joins the speaker whose centroid
it is most similar to (cosine), or founds a new speaker when it is like none of them — but only
when it comes from enough speech (short stretches give unreliable embeddings: they never found a
speaker, nor move a centroid) and the number of speakers is not already at a known cap.

A second pass (:func:`refine`), once every embedding is known, moves each stretch to the
speaker it is most like by the centroids of the whole call (and merges speakers down to a
number given by the caller): it corrects what the online pass decided early, from little
evidence. Pure: numpy in, labels out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from callscribe.speakers.encoder import Embedding, unit


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Similarity thresholds (cosine) and the least speech (seconds) that counts."""

    threshold: float = 0.55
    """Below this similarity to every speaker, a long enough stretch is a new speaker."""
    min_new: float = 1.5
    """Seconds of speech a stretch needs to found a speaker."""
    min_update: float = 1.0
    """Seconds of speech a stretch needs to move its speaker's centroid."""
    max_speakers: int | None = None
    young: float = 0.0
    """The least similarity that joins a speaker heard in fewer than three stretches: until
    a voice's spread is known, only a close match joins it."""
    margin: float | None = 0.15
    """A speaker whose stretches are consistently alike (a steady voice, a clean line) takes
    a new stretch only when it is within ``margin`` of their usual similarity, even above
    ``threshold`` (None: ``threshold`` alone)."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """The speaker (0-based, in order of appearance) and how sure: the similarity to it."""

    cluster: int
    similarity: float
    new: bool = False


class OnlineClusters:
    """Speakers found so far, as duration-weighted sums of their unit embeddings."""

    def __init__(self, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()
        self._sums: list[NDArray[np.float32]] = []
        self._seconds: list[float] = []
        self._alike: list[list[float]] = []

    def __len__(self) -> int:
        return len(self._sums)

    def centroids(self) -> NDArray[np.float32]:
        """One unit row per speaker, in their order."""
        if not self._sums:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([unit(s) for s in self._sums])

    def similarities(self, embedding: Embedding) -> NDArray[np.float32]:
        if not self._sums:
            return np.zeros(0, dtype=np.float32)
        return self.centroids() @ embedding

    def best(self, embedding: Embedding) -> Assignment | None:
        """The most similar speaker, without changing anything (None: no speaker yet)."""
        sims = self.similarities(embedding)
        if not len(sims):
            return None
        k = int(np.argmax(sims))
        return Assignment(k, float(sims[k]))

    def assign(self, embedding: Embedding, seconds: float) -> Assignment | None:
        """The speaker of a stretch of ``seconds`` of speech; founds one when due. None: too
        short to found the first speaker."""
        cfg = self.config
        found = self.best(embedding)
        capped = cfg.max_speakers is not None and len(self) >= cfg.max_speakers
        unlike = found is None or found.similarity < self._threshold(found.cluster)
        if unlike and seconds >= cfg.min_new and not capped:
            self._sums.append(embedding * seconds)
            self._seconds.append(seconds)
            self._alike.append([])
            return Assignment(len(self) - 1, 1.0, new=True)
        if found is None:
            return None
        if seconds >= cfg.min_update:
            self._sums[found.cluster] = self._sums[found.cluster] + embedding * seconds
            self._seconds[found.cluster] += seconds
            self._alike[found.cluster].append(found.similarity)
        return found

    def _threshold(self, cluster: int) -> float:
        """The least similarity that joins ``cluster``: ``threshold``, or higher for a speaker
        whose voice has been steady (three stretches or more)."""
        cfg = self.config
        alike = self._alike[cluster]
        if cfg.margin is None:
            return cfg.threshold
        if len(alike) < 3:
            return max(cfg.threshold, cfg.young)
        return max(cfg.threshold, float(np.mean(alike)) - cfg.margin)


def refine(
    embeddings: Sequence[Embedding],
    weights: Sequence[float],
    labels: Sequence[int | None],
    *,
    speakers: int | None = None,
    join: ClusterConfig | None = None,
    stray_above: float | None = None,
    min_seconds: float = 1.0,
    min_speech: float = 4.0,
    min_share: float = 0.05,
    rounds: int = 5,
) -> list[int | None]:
    """Every stretch's speaker again, once all of them are known.

    Starts from the online labels: a speaker with less than ``min_speech`` seconds and
    ``min_share`` of all the speech joins the speaker they are most like (when at least
    ``stray_above`` alike); speakers are merged, most alike first, down to ``speakers`` when
    that is given, or else, with ``join``, while one's speech would join another's by the
    online rule (:func:`_would_join`); then every stretch moves to the
    speaker whose centroid (over stretches of at least ``min_seconds``) it is most like, and
    centroids are recomputed, a few rounds.
    Stretches the online pass left without a speaker get one. Labels keep their numbers.
    """
    n = len(embeddings)
    if len(weights) != n or len(labels) != n:
        raise ValueError(f"{n} embeddings need {n} weights and labels")
    current = list(labels)
    if not any(label is not None for label in current):
        return current
    vectors = np.stack(embeddings) if n else np.zeros((0, 0), dtype=np.float32)

    def centroids() -> dict[int, Embedding]:
        out: dict[int, Embedding] = {}
        for label in sorted({x for x in current if x is not None}):
            members = [i for i in range(n) if current[i] == label]
            long = [i for i in members if weights[i] >= min_seconds] or members
            out[label] = unit(
                np.sum([vectors[i] * weights[i] for i in long], axis=0).astype(np.float32)
            )
        return out

    def held() -> dict[int, float]:
        """Seconds of speech each speaker holds now."""
        out: dict[int, float] = {}
        for w, x in zip(weights, current, strict=True):
            if x is not None:
                out[x] = out.get(x, 0.0) + w
        return out

    total = float(sum(weights))
    while len(found := centroids()) > 1:
        # a speaker with next to no speech is a stray voice: it joins the one it is most like
        seconds = held()
        smallest = min(seconds, key=seconds.__getitem__)
        if seconds[smallest] >= max(min_speech, min_share * total):
            break
        others = [k for k in found if k != smallest]
        into = max(others, key=lambda k: float(found[k] @ found[smallest]))
        if stray_above is not None and float(found[into] @ found[smallest]) < stray_above:
            break  # a voice of its own, however little it said
        current = [into if x == smallest else x for x in current]
    while speakers is not None and len(found := centroids()) > max(1, speakers):
        keys = sorted(found)
        pairs = [
            (float(found[a] @ found[b]), a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]
        ]
        _sim, keep, drop = max(pairs)
        current = [keep if x == drop else x for x in current]
    while speakers is None and join is not None and len(found := centroids()) > 1:
        # a speaker whose speech would have joined another's, had that one's voice been
        # known when they first spoke (the online pass's rule, on the whole call's centroids)
        seconds = held()
        pairs = sorted(
            ((float(found[a] @ found[b]), a, b) for a in found for b in found if a < b),
            reverse=True,
        )
        for _sim, a, b in pairs:
            small, large = (a, b) if seconds[a] < seconds[b] else (b, a)
            if _would_join(vectors, weights, current, small, large, found[large], join):
                current = [large if x == small else x for x in current]
                break
        else:
            break
    for _ in range(rounds):
        found = centroids()
        keys = sorted(found)
        matrix = np.stack([found[k] for k in keys])
        moved = [keys[int(np.argmax(matrix @ vectors[i]))] for i in range(n)]
        if moved == current:
            break
        current = list(moved)
    return current


def _would_join(
    vectors: NDArray[np.float32],
    weights: Sequence[float],
    labels: Sequence[int | None],
    small: int,
    large: int,
    centroid: Embedding,
    config: ClusterConfig,
) -> bool:
    """``small``'s speech is as like ``large``'s voice as ``config`` asks of a stretch that
    joins a known speaker online: above ``threshold``, and within ``margin`` of how alike
    ``large``'s own speech is to it (both weighted by seconds)."""

    def alike(label: int) -> float:
        members = [i for i, x in enumerate(labels) if x == label]
        seconds = [weights[i] for i in members]
        return float(np.average(vectors[members] @ centroid, weights=seconds))

    usual = alike(large)
    need = (
        config.threshold if config.margin is None else max(config.threshold, usual - config.margin)
    )
    return alike(small) >= need


__all__ = ["Assignment", "ClusterConfig", "OnlineClusters", "refine"]
