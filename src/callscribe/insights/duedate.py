"""Resolve spoken deadlines ("by Friday", "end of next week", "tomorrow at 3", "Q3") to datetimes.

Pure functions of (text, conversation start, timezone). Date-only deadlines resolve to 17:00
local time (close of business) of the day meant, 09:00 when said with "morning"; rules that
need a convention:

* a bare weekday ("Friday", "by Friday") is the next such day strictly after today;
  "this Friday" may be today; "next Tuesday" is the Tuesday of the following calendar week;
* "this week"/"end of the week" is Friday of this week, "next week" Friday of next week,
  "early next week" Monday of next week;
* "Q3" / "third quarter" is the quarter's last day (next year's when it has passed);
* a clock time with no am/pm: 1-7 is afternoon, 8-11 morning, 12 noon;
* a time with no date is today, or tomorrow when that time has passed at the start.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callscribe.errors import ValidationFailed
from callscribe.insights.records import DueDate

CLOSE_OF_BUSINESS = time(17, 0)
END_OF_DAY_LATE = time(23, 59)
START_OF_BUSINESS = time(9, 0)
_MORNING = re.compile(r" (?:first thing in the |in the )?morning\b", re.IGNORECASE)

_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$", re.IGNORECASE)


def parse_timezone(name: str) -> tzinfo:
    """An IANA zone ("America/New_York") or a fixed offset ("+05:30", "-0800", "UTC")."""
    value = name.strip()
    if value.upper() in {"", "UTC", "Z", "GMT"}:
        return UTC
    match = _OFFSET.match(value)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes > 59:
            raise ValidationFailed(f"timezone offset {name!r} is out of range (-14:00..+14:00)")
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(
            f"timezone {name!r} is neither an IANA zone name nor an offset like +05:30"
        ) from exc


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2,
}  # fmt: skip
_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4}

# A resolver gets the regex match and the local "today"; returns (day, time or None).
Resolved = tuple[date, time | None]
Resolver = Callable[[re.Match[str], date], Resolved]


def _friday(today: date, weeks_ahead: int) -> date:
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)
    return max(today, monday + timedelta(days=4))


def _monday(today: date, weeks_ahead: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


def _month_end(year: int, month: int) -> date:
    while month > 12:
        year, month = year + 1, month - 12
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(today: date, quarter: int, year: int | None) -> date:
    end = _month_end(year or today.year, quarter * 3)
    if year is None and end < today:
        end = _month_end(today.year + 1, quarter * 3)
    return end


def _weekday(m: re.Match[str], today: date) -> Resolved:
    qualifier = (m.group("q") or "").strip().lower()
    wd = _WEEKDAYS.index(_wd(m))
    if qualifier == "next":
        return _monday(today, 1) + timedelta(days=wd), None
    ahead = (wd - today.weekday()) % 7
    if ahead == 0 and qualifier != "this":
        ahead = 7
    return today + timedelta(days=ahead), None


def _wd(m: re.Match[str]) -> str:
    word = m.group("wd").lower()
    return next(d for d in _WEEKDAYS if d.startswith(word[:3]))


def _relative(m: re.Match[str], today: date) -> Resolved:
    raw = m.group("n").lower()
    n = int(raw) if raw.isdigit() else _NUMBERS[raw]
    unit = m.group("unit").lower()
    if unit.startswith("day"):
        return today + timedelta(days=n), None
    if unit.startswith("week"):
        return today + timedelta(weeks=n), None
    month = today.month + n
    end = _month_end(today.year, month)
    return end.replace(day=min(today.day, end.day)), None


def _month_day(m: re.Match[str], today: date) -> Resolved:
    month = _MONTHS[m.group("mon").lower().rstrip(".")]
    day = int(m.group("day"))
    year = int(m.group("year")) if m.group("year") else today.year
    try:
        found = date(year, month, day)
    except ValueError:
        return today, None
    if not m.group("year") and found < today:
        found = date(year + 1, month, min(day, calendar.monthrange(year + 1, month)[1]))
    return found, None


def _nth(m: re.Match[str], today: date) -> Resolved:
    day = int(m.group("day"))
    last = calendar.monthrange(today.year, today.month)[1]
    if day >= today.day and day <= last:
        return today.replace(day=day), None
    nxt = _month_end(today.year, today.month + 1)
    return nxt.replace(day=min(day, nxt.day)), None


def _numeric(m: re.Match[str], today: date) -> Resolved:
    month, day = int(m.group("m")), int(m.group("d"))
    year = int(m.group("y")) if m.group("y") else today.year
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return today, None
    if not m.group("y") and found < today:
        found = found.replace(year=year + 1)
    return found, None


def _quarter(m: re.Match[str], today: date) -> Resolved:
    q = m.group("qn") or str(_ORDINAL_QUARTER[m.group("qw").lower()])
    year = int(m.group("qy")) if m.group("qy") else None
    return _quarter_end(today, int(q), year), None


def _current_quarter_end(today: date) -> date:
    return _quarter_end(today, (today.month - 1) // 3 + 1, today.year)


def _next_quarter_end(today: date) -> date:
    return _current_quarter_end(_current_quarter_end(today) + timedelta(days=1))


def _const(fn: Callable[[date], Resolved]) -> Resolver:
    return lambda _m, today: fn(today)


_WD = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|thurs)"
_MON = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_NUM = r"(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple of)"

_DATE_RULES: list[tuple[re.Pattern[str], Resolver]] = [
    (re.compile(p, re.IGNORECASE), r)
    for p, r in [
        (r"\b(?:end of (?:the |to)?day|eod|e\.o\.d\.?|close of business|cob|end of business|eob"
         r"|today|this (?:afternoon|evening))\b", _const(lambda t: (t, None))),
        (r"\b(?:tonight|midnight)\b", _const(lambda t: (t, END_OF_DAY_LATE))),
        (r"\btomorrow(?: (?:morning|afternoon|evening))?\b",
         _const(lambda t: (t + timedelta(days=1), None))),
        (r"\b(?:the )?day after tomorrow\b", _const(lambda t: (t + timedelta(days=2), None))),
        (r"\b(?:(?:the )?end of (?:the |this )?week|eow|this week|later this week)\b",
         _const(lambda t: (_friday(t, 0), None))),
        (r"\b(?:(?:the )?end of next week|next week)\b", _const(lambda t: (_friday(t, 1), None))),
        (r"\b(?:early next week|(?:the )?(?:beginning|start) of next week)\b",
         _const(lambda t: (_monday(t, 1), None))),
        (r"\b(?:the )?week after next\b", _const(lambda t: (_friday(t, 2), None))),
        (r"\b(?P<q>next |this |this coming |coming )?" + _WD + r"\b", _weekday),
        (r"\b(?:(?:the )?end of (?:the |this )?month|eom|this month|later this month)\b",
         _const(lambda t: (_month_end(t.year, t.month), None))),
        (r"\b(?:(?:the )?end of next month|next month)\b",
         _const(lambda t: (_month_end(t.year, t.month + 1), None))),
        (r"\b(?:early next month|(?:the )?(?:beginning|start) of next month)\b",
         _const(lambda t: (_month_end(t.year, t.month + 1).replace(day=1), None))),
        (r"\b(?:(?:the )?end of (?:the |this )?quarter|eoq|this quarter)\b",
         _const(lambda t: (_current_quarter_end(t), None))),
        (r"\b(?:(?:the )?end of next quarter|next quarter)\b",
         _const(lambda t: (_next_quarter_end(t), None))),
        (r"\b(?:q(?P<qn>[1-4])|(?P<qw>first|second|third|fourth|last) quarter)"
         r"(?:,? (?:of )?(?P<qy>20\d\d))?\b", _quarter),
        (r"\b(?:(?:the )?end of (?:the |this )?year|eoy|this year)\b",
         _const(lambda t: (date(t.year, 12, 31), None))),
        (r"\b(?:in|within) (?:the next )?" + _NUM + r" (?P<unit>days?|weeks?|months?)\b",
         _relative),
        (r"\b" + _MON + r" (?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,? (?P<year>20\d\d))?\b", _month_day),
        (r"\b(?:the )?(?P<day>\d{1,2})(?:st|nd|rd|th) of " + _MON + r"(?P<year>)", _month_day),
        (r"\bthe (?P<day>\d{1,2})(?:st|nd|rd|th)\b", _nth),
        (r"\b(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?:/(?P<y>\d{2}|\d{4}))?\b",
         _numeric),
    ]
]  # fmt: skip

_TIME = re.compile(
    r"\b(?:(?:at|by|before|around|until|till)\s+)?(?P<h>1[0-2]|0?[1-9])(?::(?P<min>[0-5]\d))?"
    r"\s*(?P<ap>a\.?m\b\.?|p\.?m\b\.?|o'?clock\b)"
    r"|\b(?:at|by|before|around|until|till)\s+(?P<h2>1[0-2]|0?[1-9])(?::(?P<min2>[0-5]\d))?\b"
    r"(?!\s*(?:%|percent|per|mins?|minutes?|hours?|days?|weeks?|months?|years?|people|k\b"
    r"|million|thousand|hundred|dollars|bucks|[.,/]\d))"
    r"|\b(?:at |by |before |around )?(?P<noon>noon|midday|lunch ?time)\b",
    re.IGNORECASE,
)


def _clock(m: re.Match[str]) -> time:
    if m.group("noon"):
        return time(12, 0)
    hour = int(m.group("h") or m.group("h2"))
    minute = int(m.group("min") or m.group("min2") or 0)
    ap = (m.group("ap") or "").lower().replace(".", "")
    if ap.startswith("p") and hour < 12:
        hour += 12
    elif ap.startswith("a") and hour == 12:
        hour = 0
    elif not ap.startswith(("a", "p")) and 1 <= hour <= 7:
        hour += 12
    return time(hour, minute)


def _best_date(text: str, today: date) -> tuple[re.Match[str], Resolved] | None:
    best: tuple[re.Match[str], Resolver] | None = None
    for pattern, resolver in _DATE_RULES:
        for m in pattern.finditer(text):
            if best is None or (m.end() - m.start(), -m.start()) > (
                best[0].end() - best[0].start(),
                -best[0].start(),
            ):
                best = (m, resolver)
    if best is None:
        return None
    return best[0], best[1](best[0], today)


def find_due_date(text: str, start: datetime, tz: tzinfo) -> DueDate | None:
    """The deadline spoken in ``text``, resolved against the conversation ``start`` in ``tz``."""
    local = (start if start.tzinfo else start.replace(tzinfo=tz)).astimezone(tz)
    today = local.date()
    found = _best_date(text, today)
    clock = _TIME.search(text)
    if found is None:
        if clock is None:
            return None
        at = _clock(clock)
        day = today if at > local.time().replace(tzinfo=None) else today + timedelta(days=1)
        begin, end = clock.start(), clock.end()
    else:
        match, (day, own_time) = found
        begin, end = match.start(), match.end()
        at = own_time or CLOSE_OF_BUSINESS
        morning = _MORNING.match(text, end)
        if morning is not None or match.group().lower().endswith("morning"):
            at = START_OF_BUSINESS
            end = morning.end() if morning is not None else end
        near = clock is not None and (
            abs(clock.start() - match.end()) <= 4 or abs(match.start() - clock.end()) <= 4
        )
        if clock is not None and near:
            at = _clock(clock)
            begin, end = min(begin, clock.start()), max(end, clock.end())
    value = datetime.combine(day, at, tzinfo=tz)
    return DueDate(value=value, text=text[begin:end].strip(), begin=begin)


def quarter_of(text: str) -> int | None:
    """The quarter a "Q3"-style token names (spaCy tags these as people)."""
    m = re.fullmatch(r"q([1-4])", text.strip(), re.IGNORECASE)
    return int(m.group(1)) if m else None


__all__ = ["CLOSE_OF_BUSINESS", "find_due_date", "parse_timezone", "quarter_of"]
