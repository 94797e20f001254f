"""The conferencing bridge's own voice on a dial-in, kept out of the conversation.

A call into a meeting hears the bridge as well as the people: "You are now joining the
meeting." as the call joins, "The meeting has ended. Goodbye." just before the bridge hangs
up. Those are nobody's words. Left in, the first becomes an "Unknown" participant with talk
time in the summary, and the last is joined to the last speaker's line (the recogniser hears
it in the same breath).

Each rule applies only where a bridge speaks: an opening announcement in the first seconds of
the meeting's audio, a closing one when the call ends right after it. A person who says the
same words in the middle of the meeting keeps them. The recording of the call keeps
everything; only the transcript and what is made from it leave the announcements out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from callscribe.asr.types import Transcript, Word, confidence_of
from callscribe.pipeline.sentences import ends_sentence, tokens

OPENING = (
    "You are now joining the meeting.",
    "You are now in the meeting.",
    "You are in the meeting now.",
    "This meeting is being recorded.",
    "This call is being recorded.",
    "Please wait for the host to start this meeting.",
    "Please wait, the meeting host will let you in soon.",
)
"""What bridges say as a phone caller joins (callscribe's bridge simulator says the first)."""

CLOSING = (
    "The meeting has ended. Goodbye.",
    "The meeting has ended.",
    "The host has ended this meeting.",
    "This meeting has been ended by the host.",
    "The meeting has been ended by the host.",
)
"""What bridges say before they hang up on the callers of a meeting that ended."""

OPENING_SECONDS = 20.0
"""An opening announcement starts within this many seconds of the meeting's audio."""
CLOSING_SECONDS = 3.0
"""A closing announcement is followed by the call's end within this many seconds."""
_ALIKE = 0.85
"""How alike (letters only, 0–1) heard words and an announcement must be: recognisers hear
"a meeting" for "the meeting", "good bye" for "goodbye"."""
_MOST_SENTENCES = 3


class Announcements:
    """The announcements of the bridges a call may reach, and where they are said."""

    def __init__(
        self,
        opening: Sequence[str] = OPENING,
        closing: Sequence[str] = CLOSING,
        opening_seconds: float = OPENING_SECONDS,
        closing_seconds: float = CLOSING_SECONDS,
    ) -> None:
        self._opening = tuple(_letters(p) for p in opening)
        self._closing = tuple(_letters(p) for p in closing)
        self.opening_seconds = opening_seconds
        self.closing_seconds = closing_seconds

    def without_opening(self, transcript: Transcript) -> Transcript:
        """``transcript`` without the opening announcements it starts with, when it starts in
        the first ``opening_seconds`` of the meeting's audio (stream time)."""
        words = list(transcript.words)
        while words and words[0].start < self.opening_seconds:
            taken = _leading(words, self._opening)
            if not taken:
                break
            words = words[taken:]
        return _keep(transcript, words)

    def closing_at_end(self, transcript: Transcript) -> int:
        """How many of ``transcript``'s last words are a closing announcement (0: none)."""
        return _trailing(list(transcript.words), self._closing)


def without_last(transcript: Transcript, count: int) -> Transcript:
    """``transcript`` without its last ``count`` words."""
    return _keep(transcript, list(transcript.words[: len(transcript.words) - count]))


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _sentence_ends(words: Sequence[Word]) -> list[int]:
    """Indices just past each sentence's last word (the last word always ends one)."""
    ends = [i + 1 for i, w in enumerate(words) if ends_sentence(w.word)]
    if not ends or ends[-1] != len(words):
        ends.append(len(words))
    return ends


def _alike(words: Sequence[Word], phrases: Sequence[str]) -> float:
    heard = _letters("".join(w.word for w in words))
    if not heard:
        return 0.0
    return max(
        (difflib.SequenceMatcher(None, heard, p, autojunk=False).ratio() for p in phrases),
        default=0.0,
    )


def _leading(words: Sequence[Word], phrases: Sequence[str]) -> int:
    """How many first words (whole sentences) are most like one of ``phrases``; 0: none."""
    best, taken = _ALIKE, 0
    for end in _sentence_ends(words)[:_MOST_SENTENCES]:
        score = _alike(words[:end], phrases)
        if score >= best:
            best, taken = score, end
    return taken


def _trailing(words: Sequence[Word], phrases: Sequence[str]) -> int:
    """How many last words (whole sentences) are most like one of ``phrases``; 0: none."""
    starts = [0, *_sentence_ends(words)[:-1]]
    best, taken = _ALIKE, 0
    for start in starts[-_MOST_SENTENCES:]:
        score = _alike(words[start:], phrases)
        if score >= best:
            best, taken = score, len(words) - start
    return taken


def _keep(transcript: Transcript, words: list[Word]) -> Transcript:
    """The part of ``transcript`` made of ``words`` (a run of its words, in order)."""
    if len(words) == len(transcript.words):
        return transcript
    if not words:
        return Transcript("")
    first = transcript.words.index(words[0])
    text = "".join(tokens(transcript.text, transcript.words)[first : first + len(words)]).strip()
    return Transcript(text, tuple(words), confidence_of(words), words[0].start, words[-1].end)


__all__ = [
    "CLOSING",
    "CLOSING_SECONDS",
    "OPENING",
    "OPENING_SECONDS",
    "Announcements",
    "without_last",
]
