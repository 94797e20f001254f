"""Who an action item is for: the speaker ("I'll…"), a named person ("Sarah will…",
"Sarah, can you…"), or the person addressed as "you".

"You" is resolved to the vocative name when there is one, else to the only other member of a
two-person conversation, else to the previous speaker. With nobody else identifiable the
speaker owns it (Symbl's default: whoever raised the item).
"""

from __future__ import annotations

import re
from typing import Any

from callscribe.insights import cues
from callscribe.insights.cues import VOCATIVE_REQUEST
from callscribe.insights.names import closest, first_name, unnamed_voice
from callscribe.insights.records import Person

_YOU = re.compile(
    r"\b(?:can|could|would|will) you\b|\byou(?:'ll| will)? (?:need to|should|have to|must|"
    r"gotta|got to)\b|\b(?:need|want|like) you to\b|\bwould you mind\b|\bplease\b"
    r"|(?:^|[,.])\W*(?:so |okay |and )?(?:i(?:'m gonna| am going to| am gonna|'ll| will|"
    r" really)? (?:need|want|would like)|i'd like) (?!to\b)",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\b(?:i|i'll|i'm|i've|i'd|let me|lemme|we|we'll|we're|let's|let us)\b", re.IGNORECASE
)
_LET_US = re.compile(r"^\W*(?:\w+,?\s+){0,2}?let(?:'s| us)\b", re.IGNORECASE)
_LEADING_NAME = re.compile(r"^\W*(?:(?:so|okay|ok|and|hey),?\s+)?(?P<name>[A-Za-z][\w'-]*)\b")


def member_for(name: str, members: tuple[Person, ...], *, fuzzy: bool = False) -> Person | None:
    """The member whose full or first name is ``name`` (case-insensitive); with ``fuzzy``, also
    the one whose first name it sounds like (a name the recogniser misspelt)."""
    key = name.strip().lower()
    for member in members:
        full = member.name.strip().lower()
        if key and (key == full or key == first_name(full)):
            return member
    if fuzzy:
        firsts = {
            first_name(m.name): m for m in members if m.name.strip() and not unnamed_voice(m.name)
        }
        near = closest(key, firsts)
        if near is not None:
            return firsts[near]
    return None


def find_assignee(
    span: Any,
    *,
    speaker: Person,
    members: tuple[Person, ...],
    previous_speaker: Person | None = None,
    imperative: bool = False,
) -> Person:
    """The person a task in this parsed sentence is assigned to."""
    text: str = span.text
    vocative = _vocative(span, members)
    ours = bool(_LET_US.search(text))  # "let's…" is the speaker's own group, not an order
    if _YOU.search(text) or (imperative and not ours and not _FIRST_PERSON.match(text.strip())):
        return vocative or _addressed(speaker, members, previous_speaker) or speaker
    named = _named_subject(span, members)
    if named is not None:
        return named
    if vocative is not None and not _FIRST_PERSON.search(text):
        return vocative
    return speaker


def _vocative(span: Any, members: tuple[Person, ...]) -> Person | None:
    addressed = VOCATIVE_REQUEST.match(span.text)  # "Great, Marcus, can you…"
    if addressed is not None:
        member = member_for(addressed.group("name"), members, fuzzy=True)
        if member is not None:
            return member
        # someone addressed before they have said a word: "Then Carlos, can you…"
        if _is_person(span, addressed.start("name")):
            return Person(addressed.group("name"))
    m = _LEADING_NAME.match(span.text)
    if m is None:
        return None
    name = m.group("name")
    followed = span.text[m.end() :].lstrip().startswith(",")
    member = member_for(name, members, fuzzy=followed)  # "Asia, make sure…": Aisha
    if member is not None:
        return member
    after = span.text[m.end() :].lstrip()
    if _is_person(span, m.start("name")) and (
        after.startswith(",") or re.match(r"(?:can|could|would|will|please)\b", after, re.I)
    ):
        return Person(name)
    return None


def _is_person(span: Any, begin: int) -> bool:
    """Whether the word at character ``begin`` of the span is tagged a name."""
    token = next((t for t in span if t.idx - span[0].idx == begin), None)
    return token is not None and (token.ent_type_ == "PERSON" or token.pos_ == "PROPN")


_FOR_NAME = re.compile(r"\bfor (?P<name>[A-Za-z][\w'-]*) to\b")


def _named_subject(span: Any, members: tuple[Person, ...]) -> Person | None:
    """ "Sarah will…", "Sarah needs to…", "the next step is for Sarah to…"."""
    base = span[0].idx if len(span) else 0
    matches = [*cues.SUBJECT_MODAL.finditer(span.text), *_FOR_NAME.finditer(span.text)]
    for m in sorted(matches, key=lambda m: m.start()):
        name = m.group("name")
        member = member_for(name, members)
        if member is not None:
            return member
        token = next((t for t in span if t.idx - base == m.start("name")), None)
        if token is not None and (token.ent_type_ == "PERSON" or token.pos_ == "PROPN"):
            return Person(token.text)
    return None


def _addressed(
    speaker: Person, members: tuple[Person, ...], previous: Person | None
) -> Person | None:
    others = [m for m in members if m.name.lower() != speaker.name.lower()]
    if len(others) == 1:
        return others[0]
    if previous is not None and previous.name.lower() != speaker.name.lower():
        return member_for(previous.name, members) or previous
    return None


__all__ = ["find_assignee", "member_for"]
