"""Values the insights library takes and returns: frozen dataclasses, no behaviour.

Every field a Symbl-shaped API response needs is kept here (offsets, normalized values,
message ids, scores), so the API layer maps these to JSON without re-analysing text.
Offsets are character positions in the message text (or in the sentence for insight tags).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

InsightType = Literal["question", "action_item", "follow_up"]
SentimentLabel = Literal["positive", "negative", "neutral"]
EntityType = Literal["person", "organization", "date", "number"]


@dataclass(frozen=True, slots=True)
class Person:
    """A conversation member, or a person named in speech who may not be a member."""

    name: str
    user_id: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class MessageInput:
    """One final message (an utterance) as the recogniser or a text upload produced it."""

    id: str
    text: str
    speaker: Person
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Tracker:
    """A named vocabulary to spot (Symbl trackers): exact and fuzzy phrase matches."""

    name: str
    vocabulary: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CustomEntity:
    """A caller-defined entity: ``value`` is the canonical form, ``synonyms`` other spellings."""

    type: str
    value: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConversationContext:
    """What the extractors need to know about the conversation a message belongs to.

    ``timezone`` is an IANA name ("Europe/Paris") or a fixed offset ("+05:30", "-08:00");
    ``start`` is the conversation start (aware; a naive value is read in ``timezone``).
    """

    start: datetime
    timezone: str = "UTC"
    members: tuple[Person, ...] = ()
    trackers: tuple[Tracker, ...] = ()
    custom_entities: tuple[CustomEntity, ...] = ()


@dataclass(frozen=True, slots=True)
class Sentiment:
    """VADER compound polarity in [-1, 1] and Symbl's bucket (< -0.3, > 0.3)."""

    score: float
    suggested: SentimentLabel


@dataclass(frozen=True, slots=True)
class Entity:
    """A span of the message: ``type`` is a built-in type or a custom entity's type.

    ``value`` is the normalized form: an ISO timestamp for dates, digits for numbers, the
    canonical value for custom entities, the member's name for people who are members.
    """

    text: str
    type: str
    begin: int
    end: int
    value: str
    custom: bool = False


@dataclass(frozen=True, slots=True)
class TrackerMatch:
    """One vocabulary phrase of a tracker found in a message; ``offset`` is -1 when fuzzy."""

    tracker: str
    phrase: str
    text: str
    offset: int
    score: float


@dataclass(frozen=True, slots=True)
class DueDate:
    """A deadline resolved from speech against the conversation start and timezone."""

    value: datetime
    text: str
    begin: int


@dataclass(frozen=True, slots=True)
class Tag:
    """A span inside an insight's text (Symbl ``tags``): a person or a date, with its value."""

    type: Literal["person", "date"]
    text: str
    begin: int
    value: str


@dataclass(frozen=True, slots=True)
class Insight:
    """A question, action item or follow-up found in one sentence of a message."""

    type: InsightType
    text: str
    message_id: str
    score: float
    speaker: Person
    assignee: Person | None = None
    due_by: DueDate | None = None
    definitive: bool = True
    entities: tuple[Entity, ...] = ()
    phrases: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    confirmed_in: tuple[str, ...] = ()
    """Ids of later messages where the assignee took the task on ("Sure, I will.")."""


@dataclass(frozen=True, slots=True)
class MessageAnalysis:
    """Everything extracted from one message."""

    message_id: str
    sentiment: Sentiment
    insights: tuple[Insight, ...] = ()
    entities: tuple[Entity, ...] = ()
    tracker_matches: tuple[TrackerMatch, ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    """A conversation topic; ``parent_refs`` are the texts of broader topics it belongs to."""

    text: str
    score: float
    message_ids: tuple[str, ...]
    sentiment: Sentiment
    parent_refs: tuple[str, ...] = ()
    root_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One summary line and the messages it was drawn from."""

    text: str
    message_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Metric:
    """A conversation-wide figure (Symbl ``metrics``)."""

    type: Literal["total_silence", "total_talk_time", "total_overlap"]
    seconds: float
    percent: float


@dataclass(frozen=True, slots=True)
class MemberAnalytics:
    """Per-member figures: seconds talking, listening (others talk), overlapping, and pace."""

    member: Person
    talk_time: float
    talk_percent: float
    listen_time: float
    listen_percent: float
    overlap_time: float
    overlap_percent: float
    words: int
    wpm: float


@dataclass(frozen=True, slots=True)
class Analytics:
    """Talk-time analytics of a conversation."""

    duration: float
    metrics: tuple[Metric, ...]
    members: tuple[MemberAnalytics, ...] = field(default_factory=tuple)
