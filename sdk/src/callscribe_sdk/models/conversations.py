"""Results of the Conversation API (Symbl's shapes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from callscribe_sdk.models._base import Model


class User(Model):
    """Who said something: a member of the conversation when known."""

    id: str | None = None
    name: str | None = None
    user_id: str | None = None


class Member(Model):
    id: str
    name: str
    email: str | None = None


class Assignee(Model):
    id: str | None = None
    name: str | None = None
    email: str | None = None


class Polarity(Model):
    score: float


class Sentiment(Model):
    polarity: Polarity
    suggested: str  # "positive" | "neutral" | "negative"


class Word(Model):
    word: str
    start_time: datetime
    end_time: datetime
    score: float | None = None
    time_offset: float
    duration: float


class Phrase(Model):
    type: str
    text: str


class Message(Model):
    id: str
    text: str
    from_: User = Field(alias="from")
    start_time: datetime
    end_time: datetime
    time_offset: float
    duration: float
    conversation_id: str
    phrases: list[Phrase] = Field(default_factory=list)
    sentiment: Sentiment | None = None  # with ``sentiment=True``
    words: list[Word] | None = None  # with ``verbose=True``


class Question(Model):
    id: str
    text: str
    type: str = "question"
    score: float | None = None
    message_ids: list[str] = Field(default_factory=list)
    from_: User | None = Field(None, alias="from")


class InsightEntity(Model):
    type: str
    text: str
    offset: int | None = None
    value: Any = None


class ActionItem(Model):
    id: str
    text: str
    type: str
    score: float | None = None
    message_ids: list[str] = Field(default_factory=list)
    entities: list[InsightEntity] = Field(default_factory=list)
    phrases: list[Phrase] = Field(default_factory=list)
    from_: User | None = Field(None, alias="from")
    definitive: bool | None = None
    assignee: Assignee | None = None
    due_by: datetime | None = None


class FollowUp(ActionItem):
    """Same shape as an action item; ``type`` is ``follow_up``."""


class ParentRef(Model):
    type: str
    text: str


class Topic(Model):
    id: str
    text: str
    type: str = "topic"
    score: float
    message_ids: list[str] = Field(default_factory=list)
    sentiment: Sentiment | None = None
    parent_refs: list[ParentRef] | None = None


class EntityMessageRef(Model):
    id: str
    start_time: datetime | None = None
    end_time: datetime | None = None
    text: str | None = None
    offset: int | None = None


class Entity(Model):
    type: str
    value: Any
    category: str | None = None
    message_refs: list[EntityMessageRef] = Field(default_factory=list)


class Ref(Model):
    id: str
    text: str | None = None
    offset: int | None = None


class TrackerMatch(Model):
    type: str
    value: str
    message_refs: list[Ref] = Field(default_factory=list)
    insight_refs: list[Ref] = Field(default_factory=list)


class Tracker(Model):
    id: str | None = None
    name: str
    matches: list[TrackerMatch] = Field(default_factory=list)


class SummaryItem(Model):
    id: str
    text: str
    message_refs: list[Ref] = Field(default_factory=list)


class Metric(Model):
    type: str  # total_silence | total_talk_time | total_overlap
    percent: float
    seconds: float


class TimeShare(Model):
    percentage: float
    seconds: float


class Pace(Model):
    wpm: float


class MemberAnalytics(Model):
    id: str | None = None
    name: str | None = None
    user_id: str | None = None
    pace: Pace
    talk_time: TimeShare
    listen_time: TimeShare
    overlap: TimeShare
    word_count: int | None = None


class Analytics(Model):
    metrics: list[Metric] = Field(default_factory=list)
    members: list[MemberAnalytics] = Field(default_factory=list)


class ConversationInfo(Model):
    """``GET /v1/conversations/{id}``: what the conversation is and whether it is done."""

    id: str
    type: str
    name: str
    status: str  # in_progress | completed | failed
    start_time: datetime
    end_time: datetime | None = None
    members: list[Member] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class ExperienceLink(Model):
    """``POST /v1/conversations/{id}/experiences``: a link to the summary page that needs no
    token; ``expires_at`` None: it never expires."""

    name: str
    url: str
    expires_at: datetime | None = None
