"""The live events of a connection: what its pipeline stages publish and subscribers receive.

Typed values, not wire formats: the bus carries these, and each edge renders them in its own
protocol (Symbl's JSON on a WebSocket: :func:`callscribe.symbl.events.render`; webhook bodies).
Times are stream seconds (from the connection's first audio sample) unless a field is a
``datetime``. ``sequence`` numbers count a connection's result events (messages, insights,
topics, trackers) in the order they were published, as Symbl's ``sequenceNumber`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callscribe.asr.types import Transcript
from callscribe.insights.records import Topic, TrackerMatch
from callscribe.records import Member, Message, Speaker
from callscribe.storage import StoredInsight


@dataclass(frozen=True, slots=True)
class Listening:
    """The source is connected and audio is being accepted."""


@dataclass(frozen=True, slots=True)
class RecognitionStarted:
    conversation_id: str
    language_code: str | None = None
    """The language recognised (BCP-47 as asked), None when detected or not said."""
    insights_available: tuple[str, ...] = ()
    """What the conversation gets in that language (empty: not said)."""


@dataclass(frozen=True, slots=True)
class InterimText:
    """A live hypothesis for the utterance being spoken."""

    text: str
    start: float
    end: float
    speaker: Speaker | None


@dataclass(frozen=True, slots=True)
class FinalText:
    """An utterance's final text with word times (messages are assembled from these)."""

    transcript: Transcript
    speaker: Speaker | None


@dataclass(frozen=True, slots=True)
class MessagesStored:
    """Whole-sentence messages of one speaker each, as stored (ids, members, times)."""

    messages: tuple[Message, ...]
    origin: datetime
    sequence: int


@dataclass(frozen=True, slots=True)
class InsightsFound:
    """Questions, action items and follow-ups found (or updated: same id) in messages."""

    insights: tuple[StoredInsight, ...]
    members: tuple[Member, ...]
    sequence: int


@dataclass(frozen=True, slots=True)
class TrackerHit:
    message: Message
    match: TrackerMatch


@dataclass(frozen=True, slots=True)
class TrackersMatched:
    hits: tuple[TrackerHit, ...]
    sequence: int


@dataclass(frozen=True, slots=True)
class TopicsChanged:
    topics: tuple[Topic, ...]
    sequence: int


@dataclass(frozen=True, slots=True)
class CallStateChanged:
    """A telephony call moved to ``state`` (``reason`` once it has ended)."""

    state: str
    reason: str | None
    sip_status: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class ErrorRaised:
    """Something failed; ``reason`` is machine-readable, ``message`` says what and why."""

    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class RecognitionStopped:
    conversation_id: str


@dataclass(frozen=True, slots=True)
class ConversationCompleted:
    conversation_id: str
    summary_url: str | None


LiveEvent = (
    Listening
    | RecognitionStarted
    | InterimText
    | FinalText
    | MessagesStored
    | InsightsFound
    | TrackersMatched
    | TopicsChanged
    | CallStateChanged
    | ErrorRaised
    | RecognitionStopped
    | ConversationCompleted
)

__all__ = [
    "CallStateChanged",
    "ConversationCompleted",
    "ErrorRaised",
    "FinalText",
    "InsightsFound",
    "InterimText",
    "Listening",
    "LiveEvent",
    "MessagesStored",
    "RecognitionStarted",
    "RecognitionStopped",
    "TopicsChanged",
    "TrackerHit",
    "TrackersMatched",
]
