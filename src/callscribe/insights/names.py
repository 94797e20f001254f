"""People's names as a recogniser writes them: often one or two letters off ("Asia" for Aisha,
"Markus" for Marcus, "Alina" for Elena). Where a word stands as a name — someone addressed, a
subject — a name that is not a member's but sounds like one is taken to be that member."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

from callscribe.records import unnamed_voice

_VOWELS = frozenset("aeiou")


def sounds_like(name: str, known: str) -> bool:
    """Same first letter (or both a vowel: the recogniser hears "Alina" for Elena, "Evan" for
    Ivan), and at most one letter off (two for names of five letters or more)."""
    a, b = name.strip().lower(), known.strip().lower()
    if not a or not b or (a[0] != b[0] and not {a[0], b[0]} <= _VOWELS):
        return False
    if a == b:
        return True
    allowed = 2 if len(b) >= 5 else 1
    return min(len(a), len(b)) >= 3 and Levenshtein.distance(a, b) <= allowed


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` is, or sounds like (the nearest, if several)."""
    key = name.strip().lower()
    candidates = [k for k in known if sounds_like(key, k)]
    if not candidates:
        return None
    return min(candidates, key=lambda k: Levenshtein.distance(key, k.lower()))


def first_name(name: str) -> str:
    """What a person is called by in speech, lower-case: the first name ("Marcus Lee" ->
    "marcus"); a voice told apart without a name ("Speaker 2") is its whole label, so two
    unnamed voices are never one person."""
    key = " ".join(name.strip().lower().split())
    if unnamed_voice(key):
        return key
    return key.split()[0] if key else ""


__all__ = ["closest", "first_name", "sounds_like", "unnamed_voice"]
