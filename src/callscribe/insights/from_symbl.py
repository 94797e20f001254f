"""Read Symbl-shaped message lists (the Async Text API's ``messages``) into library inputs.

This is an edge: external JSON is validated with pydantic, and a bad item raises
``ValidationFailed`` naming its index and field.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from callscribe.errors import ValidationFailed
from callscribe.insights.records import MessageInput, Person


class _Payload(BaseModel):
    content: str
    content_type: str = Field(default="text/plain", alias="contentType")


class _From(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str = "Unknown"
    user_id: str | None = Field(default=None, alias="userId")
    id: str | None = None


class _Duration(BaseModel):
    start_time: datetime = Field(alias="startTime")
    end_time: datetime = Field(alias="endTime")


class _Message(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str | None = None
    payload: _Payload
    sender: _From = Field(default_factory=_From, alias="from")
    duration: _Duration


def messages_from_symbl(items: Sequence[Any], *, id_prefix: str = "m") -> list[MessageInput]:
    """Messages from Symbl JSON; items without an ``id`` get ``{id_prefix}{n}`` (1-based)."""
    out: list[MessageInput] = []
    for index, item in enumerate(items):
        try:
            parsed = _Message.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationFailed(f"messages[{index}].{where}: {first['msg']}") from exc
        sender = parsed.sender
        out.append(
            MessageInput(
                id=parsed.id or f"{id_prefix}{index + 1}",
                text=parsed.payload.content,
                speaker=Person(sender.name, sender.user_id or sender.id),
                start=parsed.duration.start_time,
                end=parsed.duration.end_time,
            )
        )
    return out


def members_of(messages: Sequence[MessageInput]) -> tuple[Person, ...]:
    """Distinct speakers in order of first appearance."""
    seen: dict[str, Person] = {}
    for m in messages:
        seen.setdefault(m.speaker.user_id or m.speaker.name, m.speaker)
    return tuple(seen.values())


__all__ = ["members_of", "messages_from_symbl"]
