"""Times for messages that arrive without them (text input)."""

from __future__ import annotations

from datetime import timedelta

WORDS_PER_SECOND = 2.5  # 150 words a minute: a typical speaking pace
MIN_MESSAGE_SECONDS = 1.0


def estimated_duration(text: str) -> timedelta:
    """How long saying ``text`` takes at a typical pace; used when the input gives no times."""
    words = len(text.split())
    return timedelta(seconds=max(MIN_MESSAGE_SECONDS, words / WORDS_PER_SECOND))
