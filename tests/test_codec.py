"""The dataclass JSON codec round-trips the insight records exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from callscribe.codec import dump, load
from callscribe.insights.records import (
    DueDate,
    Entity,
    Insight,
    MessageAnalysis,
    Person,
    Sentiment,
    Tag,
    TrackerMatch,
)


def test_message_analysis_round_trips_through_json() -> None:
    due = DueDate(value=datetime(2026, 3, 6, 17, 0, tzinfo=UTC), text="by Friday", begin=20)
    analysis = MessageAnalysis(
        message_id="m1",
        sentiment=Sentiment(score=0.42, suggested="positive"),
        insights=(
            Insight(
                type="action_item",
                text="Priya, can you send the deck by Friday?",
                message_id="m1",
                score=0.91,
                speaker=Person(name="Sam", user_id="sam@example.com"),
                assignee=Person(name="Priya"),
                due_by=due,
                definitive=True,
                entities=(Entity("Friday", "date", 32, 38, "2026-03-06"),),
                phrases=("send the deck",),
                tags=(Tag("person", "Priya", 0, "Priya"),),
            ),
        ),
        tracker_matches=(TrackerMatch("Pricing", "deck", "deck", 25, 1.0),),
        phrases=("deck",),
    )
    text = json.dumps(dump(analysis))
    assert load(MessageAnalysis, json.loads(text)) == analysis


def test_missing_optional_fields_take_defaults() -> None:
    got = load(Sentiment, {"score": 0, "suggested": "neutral"})
    assert got == Sentiment(score=0.0, suggested="neutral")
    assert isinstance(got.score, float)
    assert load(Person, {"name": "Ann"}) == Person(name="Ann")
