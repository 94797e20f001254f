"""Insight bodies of the Conversation API in Symbl's shapes, and the mapping from records.

The same functions build the REST responses and the live ``insight_response`` events, so a
client sees one shape whether it polls or listens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from callscribe.insights.records import (
    Analytics,
    Entity,
    MessageAnalysis,
    Person,
    Sentiment,
    SummaryItem,
    Topic,
)
from callscribe.records import Member, Message
from callscribe.storage import StoredInsight
from callscribe.symbl.times import iso_z

Json = dict[str, Any]


class Members:
    """Finds the conversation member a person from the analysis refers to."""

    def __init__(self, members: Sequence[Member]) -> None:
        self._by_key: dict[str, Member] = {}
        for m in members:
            for key in (m.user_id, m.email, m.name):
                if key:
                    self._by_key.setdefault(key.strip().lower(), m)

    def find(self, person: Person | None) -> Member | None:
        if person is None:
            return None
        for key in (person.user_id, person.email, person.name):
            if key and key.strip().lower() in self._by_key:
                return self._by_key[key.strip().lower()]
        return None

    def from_json(self, person: Person) -> Json:
        member = self.find(person)
        if member is None:
            return {"name": person.name, "userId": person.user_id or person.email}
        return {"id": member.id, "name": member.name, "userId": member.user_id or member.email}

    def assignee_json(self, person: Person | None) -> Json:
        if person is None:
            return {}
        member = self.find(person)
        if member is None:
            return {"name": person.name, "email": person.email}
        return {"id": member.id, "name": member.name, "email": member.email}


def sentiment_json(s: Sentiment) -> Json:
    return {"polarity": {"score": round(s.score, 3)}, "suggested": s.suggested}


def entity_json(e: Entity) -> Json:
    return {"type": e.type, "text": e.text, "offset": e.begin, "value": e.value}


def question_json(item: StoredInsight, members: Members) -> Json:
    i = item.insight
    return {
        "id": item.id,
        "text": i.text,
        "type": "question",
        "score": i.score,
        "messageIds": [i.message_id],
        "from": members.from_json(i.speaker),
    }


def task_json(item: StoredInsight, members: Members) -> Json:
    """An action item or follow-up, as ``/action-items`` and ``/follow-ups`` return them."""
    i = item.insight
    out: Json = {
        "id": item.id,
        "text": i.text,
        "type": i.type,
        "score": i.score,
        "messageIds": [i.message_id, *i.confirmed_in],
        "entities": [entity_json(e) for e in i.entities],
        "phrases": [{"type": "action_phrase", "text": p} for p in i.phrases],
        "from": members.from_json(i.speaker),
        "definitive": i.definitive,
        "assignee": members.assignee_json(i.assignee),
    }
    if i.due_by is not None:
        out["dueBy"] = iso_z(i.due_by.value)
    return out


def insight_json(item: StoredInsight, members: Members) -> Json:
    if item.insight.type == "question":
        return question_json(item, members)
    return task_json(item, members)


def insight_event_json(item: StoredInsight, members: Members) -> Json:
    """One item of a live ``insight_response`` (Symbl's streaming shape)."""
    i = item.insight
    out: Json = {
        "id": item.id,
        "confidence": i.score,
        "messageReference": {"id": i.message_id},
        "hints": [
            {"key": "confidenceScore", "value": str(i.score)},
            {"key": "definitive", "value": str(i.definitive).lower()},
        ],
        "type": i.type,
        "dismissed": False,
        "payload": {"content": i.text, "contentType": "text/plain"},
        "from": members.from_json(i.speaker),
        "tags": [
            {"type": t.type, "text": t.text, "beginOffset": t.begin, "value": {"value": t.value}}
            for t in i.tags
        ],
    }
    if i.type != "question":
        out["assignee"] = members.assignee_json(i.assignee)
        if i.due_by is not None:
            out["dueBy"] = {"value": iso_z(i.due_by.value)}
    return out


def topic_json(index: int, topic: Topic, *, sentiment: bool, parent_refs: bool) -> Json:
    out: Json = {
        "id": f"topic-{index + 1}",
        "text": topic.text,
        "type": "topic",
        "score": round(topic.score, 4),
        "messageIds": list(topic.message_ids),
    }
    if sentiment:
        out["sentiment"] = sentiment_json(topic.sentiment)
    if parent_refs:
        out["parentRefs"] = [{"type": "topic", "text": p} for p in topic.parent_refs]
    return out


def topic_event_json(index: int, topic: Topic) -> Json:
    """One item of a live ``topic_response``: ``phrases`` is a string, as Symbl sends it."""
    return {
        "id": f"topic-{index + 1}",
        "messageReferences": [{"id": m} for m in topic.message_ids],
        "phrases": topic.text,
        "rootWords": [{"text": w} for w in topic.root_words],
        "score": round(topic.score, 4),
        "type": "topic",
        "sentiment": sentiment_json(topic.sentiment),
        "parentRefs": [{"type": "topic", "text": p} for p in topic.parent_refs],
    }


def summary_json(index: int, item: SummaryItem) -> Json:
    return {
        "id": f"summary-{index + 1}",
        "text": item.text,
        "messageRefs": [{"id": m} for m in item.message_ids],
    }


def analytics_json(analytics: Analytics, members: Members) -> Json:
    return {
        "metrics": [
            {"type": m.type, "percent": round(m.percent, 2), "seconds": round(m.seconds, 2)}
            for m in analytics.metrics
        ],
        "members": [
            {
                **members.from_json(a.member),
                "pace": {"wpm": round(a.wpm)},
                "talkTime": {
                    "percentage": round(a.talk_percent, 2),
                    "seconds": round(a.talk_time, 2),
                },
                "listenTime": {
                    "percentage": round(a.listen_percent, 2),
                    "seconds": round(a.listen_time, 2),
                },
                "overlap": {
                    "percentage": round(a.overlap_percent, 2),
                    "seconds": round(a.overlap_time, 2),
                },
                "wordCount": a.words,
            }
            for a in analytics.members
        ],
    }


def entities_json(messages: Sequence[Message], analyses: dict[str, MessageAnalysis]) -> list[Json]:
    """Entities grouped by (type, value) with references to every message mentioning them."""
    grouped: dict[tuple[str, str], Json] = {}
    for msg in messages:
        analysis = analyses.get(msg.id)
        if analysis is None:
            continue
        for e in analysis.entities:
            key = (e.type, e.value.lower())
            entry = grouped.setdefault(
                key,
                {
                    "type": e.type,
                    "value": e.value,
                    "category": "Custom" if e.custom else "Generic",
                    "messageRefs": [],
                },
            )
            entry["messageRefs"].append(
                {
                    "id": msg.id,
                    "startTime": iso_z(msg.start),
                    "endTime": iso_z(msg.end),
                    "text": msg.text,
                    "offset": e.begin,
                }
            )
    return list(grouped.values())


def trackers_json(
    messages: Sequence[Message],
    analyses: dict[str, MessageAnalysis],
    insights: Sequence[StoredInsight],
) -> list[Json]:
    """Tracker matches grouped by tracker and phrase, with the insights they fall in."""
    by_message = {m.id: m for m in messages}
    insight_ids: dict[str, list[str]] = {}
    for item in insights:
        insight_ids.setdefault(item.insight.message_id, []).append(item.id)
    trackers: dict[str, dict[str, Json]] = {}
    for msg_id, analysis in analyses.items():
        msg = by_message.get(msg_id)
        if msg is None:
            continue
        for match in analysis.tracker_matches:
            entry = trackers.setdefault(match.tracker, {}).setdefault(
                match.phrase,
                {"type": "vocabulary", "value": match.phrase, "messageRefs": [], "insightRefs": []},
            )
            entry["messageRefs"].append({"id": msg.id, "text": msg.text, "offset": match.offset})
            entry["insightRefs"].extend({"id": i} for i in insight_ids.get(msg.id, []))
    return [
        {"id": f"tracker-{n + 1}", "name": name, "matches": list(matches.values())}
        for n, (name, matches) in enumerate(sorted(trackers.items()))
    ]
