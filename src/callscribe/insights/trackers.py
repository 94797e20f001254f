"""Tracker matching: find each tracker's vocabulary phrases in a message, exactly or fuzzily.

Exact matches are case-insensitive on word boundaries and carry their character offset; fuzzy
matches (speech recognisers inflect and mishear: "pricing decks", "price deck") are found
with rapidfuzz's partial ratio over the message's word windows and carry offset -1, as
Symbl's do.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from callscribe.insights.records import Tracker, TrackerMatch

FUZZY_THRESHOLD = 85.0
_WORD = re.compile(r"\w+(?:'\w+)?")


def match_trackers(
    text: str, trackers: tuple[Tracker, ...], threshold: float = FUZZY_THRESHOLD
) -> tuple[TrackerMatch, ...]:
    """Every tracker phrase found in ``text``: exact (offset >= 0) or fuzzy (offset -1)."""
    out: list[TrackerMatch] = []
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    for tracker in trackers:
        for phrase in tracker.vocabulary:
            needle = " ".join(_WORD.findall(phrase.lower()))
            if not needle:
                continue
            exact = list(re.finditer(rf"(?<!\w){_loose(phrase)}(?!\w)", text, re.IGNORECASE))
            for m in exact:
                out.append(TrackerMatch(tracker.name, phrase, m.group(), m.start(), 100.0))
            if exact:
                continue
            fuzzy = _fuzzy(text, words, needle, threshold)
            if fuzzy is not None:
                found, score = fuzzy
                out.append(TrackerMatch(tracker.name, phrase, found, -1, round(score, 1)))
    return tuple(out)


def _loose(phrase: str) -> str:
    """A pattern for the phrase that tolerates any spacing and punctuation between words."""
    return r"\W+".join(re.escape(w) for w in _WORD.findall(phrase))


def _fuzzy(
    text: str, words: list[tuple[int, int]], needle: str, threshold: float
) -> tuple[str, float] | None:
    n = len(needle.split())
    best: tuple[str, float] | None = None
    for size in {max(1, n - 1), n, n + 1}:
        for i in range(len(words) - size + 1):
            window = text[words[i][0] : words[i + size - 1][1]]
            score = fuzz.ratio(needle, " ".join(_WORD.findall(window.lower())))
            if score >= threshold and (best is None or score > best[1]):
                best = (window, score)
    return best


__all__ = ["FUZZY_THRESHOLD", "match_trackers"]
