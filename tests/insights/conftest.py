"""Shared fixtures: one warmed-up engine per test session (models load once per process)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callscribe.insights import ConversationContext, InsightEngine, Person

# Wednesday 11 March 2026, 14:00 in New York (EDT, UTC-4).
START = datetime(2026, 3, 11, 14, 0, tzinfo=ZoneInfo("America/New_York"))
SARAH = Person("Sarah Chen", "u-sarah")
MIKE = Person("Mike Ross", "u-mike")
PRIYA = Person("Priya Patel", "u-priya")


@pytest.fixture(scope="session")
def engine() -> InsightEngine:
    eng = InsightEngine()
    eng.warm_up()
    return eng


@pytest.fixture
def context() -> ConversationContext:
    return ConversationContext(
        start=START, timezone="America/New_York", members=(SARAH, MIKE, PRIYA)
    )
