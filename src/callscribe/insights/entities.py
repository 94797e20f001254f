"""Entities of a message: people, organisations, dates, numbers, and caller-defined entities.

spaCy's NER finds the spans; this module maps its labels to Symbl's types, normalises values
(dates resolved against the conversation, spoken numbers to digits, people to the member they
name) and fixes what the small model gets wrong ("Q3" tagged as a person, lower-case member
names it misses).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from callscribe.insights.duedate import find_due_date
from callscribe.insights.names import unnamed_voice
from callscribe.insights.records import CustomEntity, Entity, Person

_SPACY_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "DATE": "date",
    "TIME": "date",
    "CARDINAL": "number",
    "MONEY": "number",
    "PERCENT": "number",
    "QUANTITY": "number",
}
_QUARTER = re.compile(r"\bq[1-4]\b", re.IGNORECASE)

_UNITS = dict(
    zip(
        re.split(
            r"\s+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen",
        ),
        range(20),
        strict=True,
    )
)
_TENS = dict(
    zip(
        re.split(r"\s+", "twenty thirty forty fifty sixty seventy eighty ninety"),
        range(20, 100, 10),
        strict=True,
    )
)
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+", re.IGNORECASE)


def normalize_number(text: str) -> str | None:
    """Digits for a spoken or written amount ("4 million" -> "4000000", "twenty-five" -> "25",
    "$1.5M" -> "1500000", "15%" -> "15"); None when there is no number in it."""
    total, current, seen = 0.0, 0.0, False
    for raw in _TOKEN.findall(text.replace("-", " ")):
        word = raw.lower()
        if word[0].isdigit():
            current += float(word.replace(",", ""))
            seen = True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif word in _SCALES and seen:
            scale = _SCALES[word]
            if scale == 100:
                current *= scale
            else:
                total += current * scale
                current = 0.0
        elif word in {"a", "an"} and not seen:
            current, seen = 1.0, True
    if not seen:
        return None
    value = total + current
    return str(int(value)) if value == int(value) else f"{value:g}"


def find_entities(
    doc: Any,
    *,
    start: datetime,
    tz: tzinfo,
    members: tuple[Person, ...] = (),
    custom: tuple[CustomEntity, ...] = (),
) -> tuple[Entity, ...]:
    """Entities in a parsed message, sorted by offset; offsets index ``doc.text``."""
    text: str = doc.text
    found: list[Entity] = []
    for ent in doc.ents:
        kind = _SPACY_TYPES.get(ent.label_)
        if kind is None:
            continue
        if kind in {"person", "organization"}:
            if _member_name(ent.text, members) is not None:
                kind = "person"
            elif _is_date_word(ent.text, start, tz):
                kind = "date"
        value = _normalise(kind, ent.text, start, tz, members)
        found.append(Entity(ent.text, kind, ent.start_char, ent.end_char, value))
    for m in _QUARTER.finditer(text):
        if not _overlaps(found, m.start(), m.end()):
            value = _normalise("date", m.group(), start, tz, members)
            found.append(Entity(m.group(), "date", m.start(), m.end(), value))
    for member in members:
        if not member.name.strip() or unnamed_voice(member.name):
            continue  # "Speaker 2" is nobody's name in the text
        for name in {member.name, member.name.split()[0]}:
            for m in re.finditer(rf"\b{re.escape(name)}\b", text, re.IGNORECASE):
                if not _overlaps(found, m.start(), m.end()):
                    found.append(Entity(m.group(), "person", m.start(), m.end(), member.name))
    found.extend(_custom(text, custom))
    return tuple(sorted(found, key=lambda e: (e.begin, e.custom)))


def _normalise(
    kind: str, text: str, start: datetime, tz: tzinfo, members: tuple[Person, ...]
) -> str:
    if kind == "date":
        due = find_due_date(text, start, tz)
        return due.value.isoformat() if due else text
    if kind == "number":
        return normalize_number(text) or text
    if kind == "person":
        return _member_name(text, members) or text
    return text


def _custom(text: str, custom: tuple[CustomEntity, ...]) -> list[Entity]:
    out: list[Entity] = []
    for entity in custom:
        for form in (entity.value, *entity.synonyms):
            if not form.strip():
                continue
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE):
                if not any(e.begin <= m.start() < e.end for e in out):
                    out.append(
                        Entity(m.group(), entity.type, m.start(), m.end(), entity.value, True)
                    )
    return out


def _member_name(text: str, members: tuple[Person, ...]) -> str | None:
    first = text.split()[0].lower() if text.split() else ""
    for member in members:
        names = member.name.lower().split()
        if text.lower() == member.name.lower() or (names and names[0] == first):
            return member.name
    return None


def _is_date_word(text: str, start: datetime, tz: tzinfo) -> bool:
    """ "EOD", "Q3": spans the small model mistakes for names that are whole date phrases."""
    due = find_due_date(text, start, tz)
    return due is not None and due.text == text.strip()


def _overlaps(found: list[Entity], begin: int, end: int) -> bool:
    return any(e.begin < end and begin < e.end for e in found)


__all__ = ["find_entities", "normalize_number"]
