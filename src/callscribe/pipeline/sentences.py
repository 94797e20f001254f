"""Where sentences end in recognised speech, and how pieces of one sentence are joined.

The recogniser punctuates each utterance on its own: an utterance cut by a pause in the middle
of a sentence may come back without a full stop ("…the pricing proposal for"), or with one it
should not have ("Perfect. Dana." before "Please also update…"). These rules say whether text
leaves a sentence open, and mend the seam when the same speaker goes on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from callscribe.asr.types import Word


def wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_CLOSERS = "\"')]»”’"
_ABBREVIATIONS = wordset("mr. mrs. ms. dr. st. vs. etc. e.g. i.e. approx. no. jr. sr. inc. ltd.")
_ELLIPSIS = ("...", "…")

# Words a sentence does not end on: after them, more of the sentence must follow. (Not
# auxiliaries or prepositions: "Will do.", "I did.", "What is it for?" are whole sentences.)
DANGLING = wordset(
    "a an the and or but nor because although though unless whether our your their my um uh er"
)

# Words that keep their capital only at the start of a sentence (function words, common
# openers): when a piece continues an open sentence, these are lowered. Anything else —
# names, places, "I" — keeps the recogniser's case.
_LOWERABLE = DANGLING | wordset(
    "so since if when whenever while until that which who whom whose where to of for with "
    "from by at in on into onto about as than then like this these those some any every "
    "is are was were am be been being will would shall should can could may might must "
    "do does did have has had not also just very really please yes yeah no okay ok well sure "
    "maybe perhaps probably actually still we you he she it they there here what how why "
    "everyone everybody someone something nothing let let's we'll we're you'll you're it's "
    "that's there's what's go get make send update check book set put take give tell ask "
    "call email schedule finish review prepare cover one two three four five six seven eight "
    "nine ten"
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def ends_sentence(token: str) -> bool:
    """Whether a recognised word (with its punctuation) ends a sentence."""
    core = token.strip().rstrip(_CLOSERS)
    if not core or core[-1] not in ".?!…":
        return False
    return core.lower() not in _ABBREVIATIONS


def open_ending(text: str, names: frozenset[str] = frozenset()) -> bool:
    """True when ``text`` stops in the middle of a sentence.

    It does when it has no sentence-final punctuation, trails off ("so…"), ends on a word
    nothing ends on ("the.", "and."), or ends with a name said on its own ("Dana.") — in speech
    that is someone being addressed before what is asked of them. ``names`` are lower-case
    first names of the conversation's people.
    """
    stripped = text.strip()
    if not stripped:
        return False
    core = stripped.rstrip(_CLOSERS)
    if not core or core[-1] not in ".?!…" or core.endswith(_ELLIPSIS):
        return True
    words = _WORD.findall(core)
    if not words:
        return False
    if words[-1].lower() in DANGLING:
        return True
    last_sentence = _WORD.findall(re.split(r"(?<=[.?!…])\s+", core)[-1])
    return len(last_sentence) == 1 and last_sentence[0].lower() in names


def reads_finished(text: str) -> bool | None:
    """Whether one utterance's recognised text ends a sentence, for end-pointing: True ("We
    ship on Friday."), False when it plainly goes on (a trailing comma, dash or "…", a last word
    nothing ends on: "and the."), None when it cannot tell (no mark at all).

    A wrong True cuts a sentence at a short pause; a wrong False only makes its final wait
    longer, so False is given freely and True only with a mark that ends a sentence.
    """
    core = text.strip().rstrip(_CLOSERS)
    if not core:
        return None
    if core.endswith((*_ELLIPSIS, ",", ";", ":", "-", "\u2013", "\u2014")):
        return False
    if core[-1] not in ".?!":
        return None
    words = _WORD.findall(core)
    return not (words and words[-1].lower() in DANGLING)


def join(held: str, more: str, names: frozenset[str] = frozenset()) -> str:
    """``held`` continued by ``more`` (same speaker, same message), with the seam mended.

    After an open ending the next word is lowered when it is a common word ("for The" ->
    "for the"); a lone name's full stop becomes a comma ("Dana. Please" -> "Dana, please").
    """
    held, more = held.strip(), more.strip()
    if not held or not more:
        return held or more
    if open_ending(held, names):
        core = held.rstrip(_CLOSERS)
        if core.endswith(".") and not core.endswith(_ELLIPSIS):
            held = core[:-1] + "," + held[len(core) :]
        more = _lower_first(more)
    return f"{held} {more}"


def tidy(text: str) -> str:
    """A message's text as a reader expects it: it starts with a capital, and a comma the
    recogniser left where someone else took over ("Well, dude,") ends it as a full stop."""
    text = text.strip()
    first = text.split(" ", 1)[0]
    if first[:1].islower() and not any(c.isupper() for c in first):  # not "iPhone"
        text = text[0].upper() + text[1:]
    core = text.rstrip(_CLOSERS)
    if core.endswith((",", ";", ":")):
        text = core[:-1] + "." + text[len(core) :]
    return text


def _lower_first(text: str) -> str:
    match = _WORD.match(text)
    if match is None:
        return text
    word = match.group(0)
    if word.lower() in _LOWERABLE and word[:1].isupper() and not (len(word) > 1 and word.isupper()):
        return word[0].lower() + text[1:]
    return text


def tokens(text: str, words: Sequence[Word]) -> list[str]:
    """``text`` cut into one piece per recognised word, each with the spacing and punctuation
    the recogniser wrote after it (the last ends with a space); the words joined with spaces
    when the text does not hold them in order."""
    offsets: list[int] = []
    cursor = 0
    for word in words:
        found = text.find(word.word.strip(), cursor) if word.word.strip() else -1
        if found < 0:
            return [w.word.strip() + " " for w in words]
        offsets.append(found)
        cursor = found + len(word.word.strip())
    offsets[0] = 0
    bounds = [*offsets[1:], len(text)]
    pieces = [text[a:b] for a, b in zip(offsets, bounds, strict=True)]
    pieces[-1] += " "
    return pieces


__all__ = ["DANGLING", "ends_sentence", "join", "open_ending", "reads_finished", "tidy", "tokens"]
