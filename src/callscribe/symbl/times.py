"""Symbl's time formats: UTC instants with milliseconds, and seconds between two instants."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_z(moment: datetime) -> str:
    """``2020-07-10T11:16:21.024Z``: UTC with milliseconds, as Symbl writes times."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def seconds_between(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds(), 3)


__all__ = ["iso_z", "seconds_between"]
