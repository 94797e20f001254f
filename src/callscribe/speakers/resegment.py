"""Word by word: which known voice each word is in, with few changes (Viterbi).

Once speakers are known (centroids), every word is scored against each of them by the voice of
the ``width`` seconds around it; the best labelling of the utterance's words maximises the
words' similarities to their speakers, plus ``prior`` where a word keeps the speaker its longer
run was given, minus ``penalty`` for every change of speaker. This puts a change at the right
word even when the gap-by-gap search missed it, and drops changes that were noise. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from callscribe.asr.types import Word
from callscribe.speakers.encoder import EMBEDDING_SIZE, VoiceFrames


def word_windows(
    frames: VoiceFrames, words: Sequence[Word], origin: float, width: float
) -> NDArray[np.float32]:
    """The voice of the ``width`` seconds centred on each word (one row per word)."""
    if not words:
        return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
    first, last = words[0].start - origin, words[-1].end - origin
    spans = []
    for word in words:
        middle = (word.start + word.end) / 2 - origin
        start = max(first, middle - width / 2)
        stop = min(last, start + width)
        start = max(first, min(start, stop - width))
        spans.append((start, stop))
    return frames.embed_many(spans)


def viterbi(
    scores: NDArray[np.float32],
    prior: Sequence[int | None],
    *,
    weight: float,
    penalty: float,
) -> list[int]:
    """The labels (columns of ``scores``) of each word (rows) that maximise the sum of scores,
    plus ``weight`` where a word keeps its ``prior`` label, minus ``penalty`` per change."""
    n, k = scores.shape
    if n == 0 or k == 0:
        return []
    gain = scores.astype(np.float64).copy()
    for i, label in enumerate(prior):
        if label is not None and 0 <= label < k:
            gain[i, label] += weight
    total = gain[0].copy()
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        stay = total
        best = int(np.argmax(total))
        move = total[best] - penalty
        take_move = move > stay
        back[i] = np.where(take_move, best, np.arange(k))
        total = np.where(take_move, move, stay) + gain[i]
    labels = [int(np.argmax(total))]
    for i in range(n - 1, 0, -1):
        labels.append(int(back[i, labels[-1]]))
    return labels[::-1]


__all__ = ["viterbi", "word_windows"]
