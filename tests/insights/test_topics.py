"""Topics: built incrementally, scored, with message ids, sentiment and parents."""

from __future__ import annotations

from datetime import UTC, datetime

from callscribe.insights import ConversationContext, InsightEngine, MessageInput, Person
from callscribe.insights.topics import TopicTracker

T0 = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)
P = Person("Ann")
TEXTS = [
    "The contract renewal with Globex is due next month.",
    "Globex wants a bigger discount on the contract renewal.",
    "Honestly the outage hurt us badly and the client is furious.",
    "The Globex team also asked about the data export.",
    "The data export fails for files over a gigabyte, which is awful.",
    "The contract renewal is our top priority.",
]


def test_topics_grow_as_messages_arrive(engine: InsightEngine) -> None:
    ctx = ConversationContext(start=T0)
    tracker = TopicTracker()
    assert tracker.topics() == []
    msgs = [MessageInput(f"m{i + 1}", t, P, T0, T0) for i, t in enumerate(TEXTS)]
    analyses = engine.analyze_many(msgs, ctx)
    tracker.add(msgs[0], analyses[0])
    first = tracker.topics()
    assert [t.text for t in first] == ["contract renewal", "Globex"] or {t.text for t in first} >= {
        "contract renewal"
    }
    for m, a in zip(msgs[1:], analyses[1:], strict=True):
        tracker.add(m, a)
    topics = tracker.topics()
    by_text = {t.text.lower(): t for t in topics}
    assert topics[0].text.lower() == "contract renewal"
    assert topics[0].score == 1.0
    assert by_text["contract renewal"].message_ids == ("m1", "m2", "m6")
    assert by_text["data export"].message_ids == ("m4", "m5")
    assert by_text["data export"].sentiment.suggested == "negative"
    assert by_text["outage"].sentiment.suggested == "negative"
    assert all(0 < t.score <= 1 for t in topics)
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)


def test_parents_from_shared_words(engine: InsightEngine) -> None:
    ctx = ConversationContext(start=T0)
    texts = [
        "The Globex renewal is late.",
        "The Globex team asked for credits.",
        "I'll call the Globex team about the Globex renewal.",
    ]
    msgs = [MessageInput(f"m{i + 1}", t, P, T0, T0) for i, t in enumerate(texts)]
    tracker = TopicTracker()
    for m, a in zip(msgs, engine.analyze_many(msgs, ctx), strict=True):
        tracker.add(m, a)
    by_text = {t.text: t for t in tracker.topics()}
    assert by_text["Globex renewal"].parent_refs == ("Globex",)
    assert by_text["Globex team"].parent_refs == ("Globex",)
    assert by_text["Globex"].message_ids == ("m1", "m2", "m3")
