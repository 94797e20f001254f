"""Typed live events, parsed from the Symbl-style JSON of the streaming and subscribe sockets.

Every event has ``kind`` (the key callbacks are registered under: ``message_response``,
``insight_response``, ``topic_response``, ``tracker_response``, ``transcript_response``, or,
for ``{"type": "message"}`` events, the inner type such as ``recognition_result``) and
``raw`` (the JSON as received). :func:`parse_event` never raises on an unknown shape: it
returns :class:`UnknownEvent`, so a newer server cannot break a running program.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError

from callscribe_sdk.models._base import Model
from callscribe_sdk.models.conversations import Assignee, User

Json = dict[str, Any]


class LiveEvent(Model):
    kind: str
    raw: Json = Field(default_factory=dict, repr=False)


class UnknownEvent(LiveEvent):
    """An event this SDK version does not know; ``raw`` has all of it."""


class StartedListening(LiveEvent):
    pass


class RecognitionStarted(LiveEvent):
    conversation_id: str | None = None


class RecognitionStopped(LiveEvent):
    conversation_id: str | None = None


class ConversationCompleted(LiveEvent):
    """The last event: everything is stored; the Conversation API has the results."""

    conversation_id: str | None = None
    summary_url: str | None = None


class ErrorEvent(LiveEvent):
    reason: str
    message: str


class LiveWord(Model):
    word: str
    start: float  # seconds from the start of the stream
    end: float


class RecognitionResult(LiveEvent):
    """A hypothesis while someone speaks (``is_final`` False), or the utterance's final text."""

    is_final: bool
    transcript: str
    confidence: float | None = None
    words: list[LiveWord] = Field(default_factory=list)
    user: User | None = None


class LiveMessage(Model):
    id: str
    text: str
    from_: User | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    time_offset: float | None = None
    duration: float | None = None


class MessageResponse(LiveEvent):
    messages: list[LiveMessage]
    sequence_number: int | None = None


class LiveInsight(Model):
    id: str
    type: str  # question | action_item | follow_up
    text: str
    confidence: float | None = None
    message_id: str | None = None
    from_: User | None = None
    assignee: Assignee | None = None
    due_by: datetime | None = None


class InsightResponse(LiveEvent):
    insights: list[LiveInsight]
    sequence_number: int | None = None


class LiveTopic(Model):
    id: str
    text: str
    score: float | None = None
    root_words: list[str] = Field(default_factory=list)
    message_ids: list[str] = Field(default_factory=list)


class TopicResponse(LiveEvent):
    topics: list[LiveTopic]
    sequence_number: int | None = None


class LiveTrackerMatch(Model):
    type: str | None = None
    value: str
    message_ids: list[str] = Field(default_factory=list)
    insight_ids: list[str] = Field(default_factory=list)


class LiveTracker(Model):
    name: str
    matches: list[LiveTrackerMatch] = Field(default_factory=list)


class TrackerResponse(LiveEvent):
    trackers: list[LiveTracker]
    sequence_number: int | None = None


class TranscriptResponse(LiveEvent):
    """The low-latency live line: what is being said right now."""

    text: str
    is_final: bool = False
    user: User | None = None


def _seconds(value: Any) -> float:
    if isinstance(value, dict):
        return float(value.get("seconds") or 0) + float(value.get("nanos") or 0) / 1e9
    return float(value or 0)


def _user(value: Any) -> User | None:
    return User.model_validate(value) if isinstance(value, dict) and value else None


def _ids(refs: Any) -> list[str]:
    return [str(r["id"]) for r in refs or [] if isinstance(r, dict) and "id" in r]


def _obj(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _message_event(kind: str, m: Json, raw: Json) -> LiveEvent:
    data = _obj(m.get("data"))
    if kind == "started_listening":
        return StartedListening(kind=kind, raw=raw)
    if kind in ("recognition_started", "recognition_stopped"):
        cls = RecognitionStarted if kind == "recognition_started" else RecognitionStopped
        return cls(kind=kind, raw=raw, conversation_id=data.get("conversationId"))
    if kind == "conversation_completed":
        return ConversationCompleted(
            kind=kind,
            raw=raw,
            conversation_id=data.get("conversationId") or m.get("conversationId"),
            summary_url=data.get("summaryUrl") or m.get("summaryUrl"),
        )
    if kind == "error":
        err = _obj(m.get("error"))
        return ErrorEvent(
            kind=kind,
            raw=raw,
            reason=str(err.get("reason") or "error"),
            message=str(err.get("message") or ""),
        )
    if kind == "recognition_result":
        alternatives = (m.get("payload") or {}).get("raw", {}).get("alternatives") or [{}]
        best = alternatives[0]
        punctuated = (m.get("punctuated") or {}).get("transcript")
        return RecognitionResult(
            kind=kind,
            raw=raw,
            is_final=bool(m.get("isFinal")),
            transcript=punctuated if punctuated is not None else best.get("transcript", ""),
            confidence=best.get("confidence"),
            words=[
                LiveWord(
                    word=w["word"],
                    start=_seconds(w.get("startTime")),
                    end=_seconds(w.get("endTime")),
                )
                for w in best.get("words") or []
            ],
            user=_user(m.get("user")),
        )
    return UnknownEvent(kind=kind, raw=raw)


def _parse(raw: Json) -> LiveEvent:
    kind = str(raw.get("type") or "unknown")
    if kind == "message" and isinstance(raw.get("message"), dict):
        return _message_event(str(raw["message"].get("type") or "unknown"), raw["message"], raw)
    seq = raw.get("sequenceNumber")
    if kind == "message_response":
        messages = [
            LiveMessage(
                id=m["id"],
                text=(m.get("payload") or {}).get("content", ""),
                from_=_user(m.get("from")),
                start_time=(m.get("duration") or {}).get("startTime"),
                end_time=(m.get("duration") or {}).get("endTime"),
                time_offset=(m.get("duration") or {}).get("timeOffset"),
                duration=(m.get("duration") or {}).get("duration"),
            )
            for m in raw.get("messages") or []
        ]
        return MessageResponse(kind=kind, raw=raw, messages=messages, sequence_number=seq)
    if kind == "insight_response":
        insights = []
        for i in raw.get("insights") or []:
            due = i.get("dueBy")
            insights.append(
                LiveInsight(
                    id=i["id"],
                    type=i.get("type", ""),
                    text=(i.get("payload") or {}).get("content", ""),
                    confidence=i.get("confidence"),
                    message_id=(i.get("messageReference") or {}).get("id"),
                    from_=_user(i.get("from")),
                    assignee=Assignee.model_validate(i["assignee"]) if i.get("assignee") else None,
                    due_by=due.get("value") if isinstance(due, dict) else due,
                )
            )
        return InsightResponse(kind=kind, raw=raw, insights=insights, sequence_number=seq)
    if kind == "topic_response":
        topics = [
            LiveTopic(
                id=t["id"],
                text=t.get("phrases") if isinstance(t.get("phrases"), str) else t.get("text", ""),
                score=t.get("score"),
                root_words=[w["text"] for w in t.get("rootWords") or [] if "text" in w],
                message_ids=_ids(t.get("messageReferences")),
            )
            for t in raw.get("topics") or []
        ]
        return TopicResponse(kind=kind, raw=raw, topics=topics, sequence_number=seq)
    if kind == "tracker_response":
        trackers = [
            LiveTracker(
                name=t["name"],
                matches=[
                    LiveTrackerMatch(
                        type=x.get("type"),
                        value=x.get("value", ""),
                        message_ids=_ids(x.get("messageRefs")),
                        insight_ids=_ids(x.get("insightRefs")),
                    )
                    for x in t.get("matches") or []
                ],
            )
            for t in raw.get("trackers") or []
        ]
        return TrackerResponse(kind=kind, raw=raw, trackers=trackers, sequence_number=seq)
    if kind == "transcript_response":
        return TranscriptResponse(
            kind=kind,
            raw=raw,
            text=(raw.get("payload") or {}).get("content", ""),
            is_final=bool(raw.get("isFinal")),
            user=_user(raw.get("user")),
        )
    return UnknownEvent(kind=kind, raw=raw)


def parse_event(raw: Any) -> LiveEvent:
    """The typed event for one decoded JSON message; :class:`UnknownEvent` if unrecognised."""
    if not isinstance(raw, dict):
        return UnknownEvent(kind="unknown", raw={"value": raw})
    try:
        return _parse(raw)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError, ValidationError):
        return UnknownEvent(kind=str(raw.get("type") or "unknown"), raw=raw)
