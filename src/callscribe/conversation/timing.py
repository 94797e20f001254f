"""Times for messages that arrive without them (text input), and Symbl's time formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

WORDS_PER_SECOND = 2.5  # 150 words a minute: a typical speaking pace
MIN_MESSAGE_SECONDS = 1.0


def estimated_duration(text: str) -> timedelta:
    """How long saying ``text`` takes at a typical pace; used when the input gives no times."""
    words = len(text.split())
    return timedelta(seconds=max(MIN_MESSAGE_SECONDS, words / WORDS_PER_SECOND))


def iso_z(moment: datetime) -> str:
    """``2020-07-10T11:16:21.024Z``: UTC with milliseconds, as Symbl writes times."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def seconds_between(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds(), 3)
