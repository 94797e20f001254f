"""Conversation API bodies, in Symbl's shapes, and the mapping from records to them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from callscribe.actions import DEFAULT_EXPIRES_IN, ActionStatus
from callscribe.api.schemas.base import RequestBody, ResponseBody
from callscribe.asr.languages import ENGLISH, insights_available
from callscribe.insights.records import Sentiment
from callscribe.records import Conversation, Member, Message
from callscribe.symbl.times import iso_z, seconds_between


class MemberOut(ResponseBody):
    id: str
    name: str
    email: str | None = None


class FromOut(ResponseBody):
    id: str | None = None
    name: str | None = None
    user_id: str | None = None


class WordOut(ResponseBody):
    word: str
    start_time: str
    end_time: str
    score: float | None = None
    time_offset: float
    duration: float


class PolarityOut(ResponseBody):
    score: float


class SentimentOut(ResponseBody):
    polarity: PolarityOut
    suggested: str


class MessageOut(ResponseBody):
    id: str
    text: str
    from_: FromOut = Field(alias="from")
    start_time: str
    end_time: str
    time_offset: float
    duration: float
    conversation_id: str
    phrases: list[dict[str, Any]] = Field(default_factory=list)
    sentiment: SentimentOut | None = None
    words: list[WordOut] | None = None


class MessagesOut(ResponseBody):
    messages: list[MessageOut]


class ActionOut(ResponseBody):
    """Delivery state of one of the conversation's actions (e.g. ``sendSummaryEmail``)."""

    name: str
    invoke_on: str | None = None
    status: str
    attempts: int
    error: str | None = None
    delivered_at: str | None = None


class ConversationOut(ResponseBody):
    id: str
    type: str
    name: str
    status: str
    start_time: str
    end_time: str | None
    members: list[MemberOut]
    metadata: dict[str, Any]
    actions: list[ActionOut] = Field(default_factory=list)
    language_code: str | None = Field(
        None, description="The language recognised, as asked (null: English or detected)."
    )
    insights_available: list[str] = Field(
        default_factory=list, description="What the conversation gets in its language."
    )


class ConversationsOut(ResponseBody):
    conversations: list[ConversationOut]


class MembersOut(ResponseBody):
    members: list[MemberOut]


class MemberUpdate(RequestBody):
    id: str | None = None
    name: str | None = Field(None, min_length=1, max_length=300)
    email: str | None = Field(None, max_length=320)


class MessageResponse(ResponseBody):
    message: str


SUMMARY_EXPERIENCE = "verbose-text-summary"
MAX_EXPIRES_IN = 10 * 365 * 24 * 3600


class ExperienceRequest(RequestBody):
    """Symbl's Experience API body. Its styling fields (``logo``, ``color``, ``font``…) are
    ignored as every unknown field is: the page keeps its own look, and is read-only unless
    ``owner`` is asked for."""

    name: str = Field(max_length=64)
    summary_url_expires_in: int = Field(
        DEFAULT_EXPIRES_IN,
        alias="summaryURLExpiresIn",
        ge=0,
        le=MAX_EXPIRES_IN,
        description="Seconds until the link expires; 0: never (Symbl's default: 30 days).",
    )
    owner: bool = Field(
        False,
        description="callscribe extension: the link also shows a stop button while the call "
        "or stream is live (for whoever started it; never share it).",
    )


class ExperienceOut(ResponseBody):
    name: str
    url: str
    expires_at: str | None = Field(None, description="When the link stops working (UTC).")


def sentiment_out(s: Sentiment) -> SentimentOut:
    return SentimentOut(polarity=PolarityOut(score=round(s.score, 3)), suggested=s.suggested)


def action_out(a: ActionStatus) -> ActionOut:
    return ActionOut(
        name=a.name,
        invoke_on=a.invoke_on,
        status=a.status,
        attempts=a.attempts,
        error=a.error,
        delivered_at=iso_z(a.delivered_at) if a.delivered_at else None,
    )


def member_out(m: Member) -> MemberOut:
    return MemberOut(id=m.id, name=m.name, email=m.email)


def from_out(m: Member | None) -> FromOut:
    if m is None:
        return FromOut()
    return FromOut(id=m.id, name=m.name, user_id=m.user_id or m.email)


def conversation_out(c: Conversation) -> ConversationOut:
    return ConversationOut(
        id=c.id,
        type=c.type,
        name=c.name,
        status=c.status.value,
        start_time=iso_z(c.start_time),
        end_time=iso_z(c.end_time) if c.end_time else None,
        members=[member_out(m) for m in c.members],
        metadata=c.metadata,
        language_code=c.settings.get("languageCode"),
        insights_available=insights_available(c.settings.get("language", ENGLISH)),
    )


def message_out(
    msg: Message,
    conversation: Conversation,
    *,
    verbose: bool,
    sentiment: SentimentOut | None = None,
    phrases: list[dict[str, Any]] | None = None,
) -> MessageOut:
    origin = conversation.start_time
    words = None
    if verbose:
        words = [
            WordOut(
                word=w.word,
                start_time=iso_z(w.start),
                end_time=iso_z(w.end),
                score=w.score,
                time_offset=seconds_between(origin, w.start),
                duration=seconds_between(w.start, w.end),
            )
            for w in msg.words
        ]
    return MessageOut(
        id=msg.id,
        text=msg.text,
        from_=from_out(msg.member),
        start_time=iso_z(msg.start),
        end_time=iso_z(msg.end),
        time_offset=seconds_between(origin, msg.start),
        duration=seconds_between(msg.start, msg.end),
        conversation_id=msg.conversation_id,
        phrases=phrases or [],
        sentiment=sentiment,
        words=words,
    )
