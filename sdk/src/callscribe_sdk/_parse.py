"""From the Conversation API's JSON to typed models (shared by the sync and async clients)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from callscribe_sdk.models import (
    ActionItem,
    Analytics,
    ConversationInfo,
    Entity,
    FollowUp,
    Member,
    Message,
    Question,
    SummaryItem,
    Topic,
    Tracker,
)

M = TypeVar("M", bound=BaseModel)


def items(body: Any, key: str, model: type[M]) -> list[M]:
    """``body[key]`` as a list of ``model`` (a bare list is accepted as well)."""
    raw = body if isinstance(body, list) else (body or {}).get(key, [])
    return TypeAdapter(list[model]).validate_python(raw)  # type: ignore[valid-type]


def messages(body: Any) -> list[Message]:
    return items(body, "messages", Message)


def questions(body: Any) -> list[Question]:
    return items(body, "questions", Question)


def action_items(body: Any) -> list[ActionItem]:
    return items(body, "actionItems", ActionItem)


def follow_ups(body: Any) -> list[FollowUp]:
    return items(body, "followUps", FollowUp)


def topics(body: Any) -> list[Topic]:
    return items(body, "topics", Topic)


def members(body: Any) -> list[Member]:
    return items(body, "members", Member)


def entities(body: Any) -> list[Entity]:
    return items(body, "entities", Entity)


def trackers(body: Any) -> list[Tracker]:
    return items(body, "trackers", Tracker)


def summary(body: Any) -> list[SummaryItem]:
    return items(body, "summary", SummaryItem)


def analytics(body: Any) -> Analytics:
    return Analytics.model_validate(body or {})


def conversation(body: Any) -> ConversationInfo:
    return ConversationInfo.model_validate(body)


def conversations(body: Any) -> list[ConversationInfo]:
    return items(body, "conversations", ConversationInfo)


def member(body: Any) -> Member:
    return Member.model_validate(body)


def flags(**values: bool) -> dict[str, str]:
    """Query flags as the server reads them (``true``/``false``)."""
    return {k: "true" if v else "false" for k, v in values.items()}
