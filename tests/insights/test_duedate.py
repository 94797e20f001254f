"""Due dates: each spoken deadline resolved against a fixed start in a fixed timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from callscribe.errors import ValidationFailed
from callscribe.insights.duedate import find_due_date, parse_timezone

NY = ZoneInfo("America/New_York")
START = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)  # Wednesday 14:00 in New York


def _at(y: int, mo: int, d: int, h: int = 17, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=NY)


@pytest.mark.parametrize(
    ("text", "expected", "span"),
    [
        ("I'll send it by Friday.", _at(2026, 3, 13), "Friday"),
        ("we should have it by end of next week", _at(2026, 3, 20), "end of next week"),
        ("can we talk tomorrow at 3", _at(2026, 3, 12, 15), "tomorrow at 3"),
        ("I need it EOD", _at(2026, 3, 11), "EOD"),
        ("by end of day please", _at(2026, 3, 11), "end of day"),
        ("finish it by the end of the month", _at(2026, 3, 31), "the end of the month"),
        ("we ship in Q3", _at(2026, 9, 30), "Q3"),
        ("let's meet next Tuesday", _at(2026, 3, 17), "next Tuesday"),
        ("let's meet Tuesday", _at(2026, 3, 17), "Tuesday"),
        ("this Wednesday", _at(2026, 3, 11), "this Wednesday"),
        ("before next week", _at(2026, 3, 20), "next week"),
        ("by the end of the week", _at(2026, 3, 13), "the end of the week"),
        ("early next week", _at(2026, 3, 16), "early next week"),
        ("in two weeks", _at(2026, 3, 25), "in two weeks"),
        ("by March 20th", _at(2026, 3, 20), "March 20th"),
        ("on the 15th", _at(2026, 3, 15), "the 15th"),
        ("by 10:30 am tomorrow", _at(2026, 3, 12, 10, 30), "by 10:30 am tomorrow"),
        ("friday at 2:30 pm", _at(2026, 3, 13, 14, 30), "friday at 2:30 pm"),
        ("by 4pm", _at(2026, 3, 11, 16), "by 4pm"),
        ("at noon", _at(2026, 3, 12, 12), "at noon"),
        ("end of the quarter", _at(2026, 3, 31), "end of the quarter"),
        ("next quarter", _at(2026, 6, 30), "next quarter"),
        ("Q1 2027", _at(2027, 3, 31), "Q1 2027"),
        ("in Q1", _at(2026, 3, 31), "Q1"),
        ("next month", _at(2026, 4, 30), "next month"),
        ("tonight", _at(2026, 3, 11, 23, 59), "tonight"),
        ("by tomorrow morning", _at(2026, 3, 12, 9), "tomorrow morning"),
        ("by Monday morning", _at(2026, 3, 16, 9), "Monday morning"),
        ("3/20", _at(2026, 3, 20), "3/20"),
    ],
)
def test_resolves_spoken_deadlines(text: str, expected: datetime, span: str) -> None:
    due = find_due_date(text, START, NY)
    assert due is not None
    assert due.value == expected
    assert due.text == span
    assert text[due.begin : due.begin + len(span)] == span


@pytest.mark.parametrize(
    "text",
    ["we need 20 people on this", "grow it by 20 percent", "send the deck", "at 5 minutes in"],
)
def test_no_deadline(text: str) -> None:
    assert find_due_date(text, START, NY) is None


def test_weekday_uses_local_date_not_utc() -> None:
    # 02:00 UTC Thursday is still Wednesday evening in New York.
    late = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
    due = find_due_date("by tomorrow", late, NY)
    assert due is not None
    assert due.value == _at(2026, 3, 12)


def test_naive_start_is_read_in_the_timezone() -> None:
    due = find_due_date("tomorrow", datetime(2026, 3, 11, 9, 0), NY)
    assert due is not None
    assert due.value == _at(2026, 3, 12)


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("+05:30", timedelta(hours=5, minutes=30)),
        ("-0800", timedelta(hours=-8)),
        ("UTC", timedelta(0)),
        ("-03", timedelta(hours=-3)),
    ],
)
def test_parse_fixed_offsets(name: str, offset: timedelta) -> None:
    assert parse_timezone(name) == timezone(offset)


def test_parse_iana_zone() -> None:
    assert parse_timezone("Europe/Paris") == ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("name", ["Mars/Olympus", "+25:00", "nonsense"])
def test_bad_timezone_names_the_value(name: str) -> None:
    with pytest.raises(ValidationFailed, match=name.replace("+", r"\+")):
        parse_timezone(name)
