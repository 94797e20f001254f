"""The whole library over a realistic meeting (tests/fixtures/insights/meeting.json) must find
what meeting_expected.json lists; the API-level tests reuse both files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from callscribe.insights import (
    ConversationContext,
    InsightEngine,
    MessageAnalysis,
    MessageInput,
    Person,
    Tracker,
)
from callscribe.insights.analytics import compute_analytics
from callscribe.insights.from_symbl import messages_from_symbl
from callscribe.insights.summary import summarize
from callscribe.insights.topics import TopicTracker

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "insights"
EXPECTED: dict[str, Any] = json.loads((FIXTURES / "meeting_expected.json").read_text())


@pytest.fixture(scope="module")
def run(
    engine: InsightEngine,
) -> tuple[list[MessageInput], list[MessageAnalysis], ConversationContext]:
    raw = json.loads((FIXTURES / "meeting.json").read_text())
    msgs = messages_from_symbl(raw)
    conv = EXPECTED["conversation"]
    ctx = ConversationContext(
        start=datetime.fromisoformat(conv["start"]),
        timezone=conv["timezone"],
        members=tuple(Person(m["name"], m["userId"]) for m in conv["members"]),
        trackers=tuple(
            Tracker(t["name"], tuple(t["vocabulary"])) for t in EXPECTED["trackers"]["config"]
        ),
    )
    return msgs, engine.analyze_many(msgs, ctx), ctx


def _by_message(run: Any) -> dict[str, MessageAnalysis]:
    msgs, analyses, _ = run
    return {m.text: a for m, a in zip(msgs, analyses, strict=True)}


def test_fixture_is_realistic(run: Any) -> None:
    msgs, _, _ = run
    assert len(msgs) >= 40
    assert len({m.speaker.user_id for m in msgs}) >= 3


def test_questions(run: Any) -> None:
    by = _by_message(run)
    for q in EXPECTED["questions"]:
        found = [i.text for i in by[q["message"]].insights if i.type == "question"]
        assert q["text"] in found, (q, found)


@pytest.mark.parametrize("kind", ["action_items", "follow_ups"])
def test_tasks_with_assignee_and_due_date(run: Any, kind: str) -> None:
    by = _by_message(run)
    wanted = "action_item" if kind == "action_items" else "follow_up"
    for item in EXPECTED[kind]:
        tasks = [i for i in by[item["message"]].insights if i.type == wanted]
        match = [t for t in tasks if t.text == item["text"]]
        assert match, (item, by[item["message"]].insights)
        task = match[0]
        assert task.assignee is not None
        assert task.assignee.name == item["assignee"], item
        due = task.due_by.value.isoformat() if task.due_by else None
        assert due == item["dueBy"], item
        assert task.definitive is item["definitive"], item


def test_chatter_and_statements_yield_nothing(run: Any) -> None:
    by = _by_message(run)
    for text in EXPECTED["no_insight"]:
        assert by[text].insights == (), (text, by[text].insights)


def test_no_unexpected_tasks(run: Any) -> None:
    expected = {
        (i["message"], i["text"]) for k in ("action_items", "follow_ups") for i in EXPECTED[k]
    }
    _, analyses, _ = run
    got = {
        (m.text, i.text)
        for m, a in zip(run[0], analyses, strict=True)
        for i in a.insights
        if i.type != "question"
    }
    assert got == expected


def test_sentiment(run: Any) -> None:
    by = _by_message(run)
    for s in EXPECTED["sentiment"]:
        assert by[s["message"]].sentiment.suggested == s["suggested"], s


def test_entities(run: Any) -> None:
    by = _by_message(run)
    for e in EXPECTED["entities"]:
        got = {(x.text, x.type, x.value) for x in by[e["message"]].entities}
        assert (e["text"], e["type"], e["value"]) in got, (e, got)


def test_trackers(run: Any) -> None:
    by = _by_message(run)
    for t in EXPECTED["trackers"]["matches"]:
        matches = by[t["message"]].tracker_matches
        hit = [m for m in matches if m.tracker == t["tracker"] and m.phrase == t["value"]]
        assert hit, (t, matches)
        assert (hit[0].offset == -1) is t.get("fuzzy", False)


def test_topics(run: Any) -> None:
    msgs, analyses, _ = run
    tracker = TopicTracker()
    for m, a in zip(msgs, analyses, strict=True):
        tracker.add(m, a)
    texts = [t.text.lower() for t in tracker.topics(limit=12)]
    for phrase in EXPECTED["topics"]:
        assert phrase.lower() in texts, (phrase, texts)


def test_summary_and_analytics(run: Any) -> None:
    msgs, analyses, _ = run
    items = summarize(msgs, analyses)
    ids = {m.id for m in msgs}
    assert 3 <= len(items) <= 8
    assert all(set(i.message_ids) <= ids and i.message_ids for i in items)
    result = compute_analytics(msgs)
    assert len(result.members) == 3
    metrics = {m.type: m for m in result.metrics}
    assert metrics["total_talk_time"].seconds + metrics["total_silence"].seconds == pytest.approx(
        result.duration
    )
    assert 0 < metrics["total_overlap"].seconds < 2
