"""Recognised words for the pipeline's tests, written the way a recogniser times them."""

from __future__ import annotations

from callscribe.asr.types import Transcript, Word


def said(
    text: str, start: float, *, pace: float = 0.3, pauses: dict[int, float] | None = None
) -> Transcript:
    """``text`` as one utterance from ``start``: a word every ``pace`` seconds, with an extra
    pause before word ``i`` of ``pauses[i]`` seconds."""
    words: list[Word] = []
    t = start
    for i, token in enumerate(text.split()):
        t += (pauses or {}).get(i, 0.0)
        words.append(Word(token, round(t, 3), round(t + pace * 0.9, 3), 0.9))
        t += pace
    return Transcript(text, tuple(words), 0.9, words[0].start, words[-1].end)
