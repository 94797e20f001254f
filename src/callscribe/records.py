"""The core records every layer passes around: frozen dataclasses, no ORM or pydantic types.

Storage returns these; the API maps them to Symbl's JSON; the pipeline creates them.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


def new_numeric_id() -> str:
    """A 16-digit id like Symbl's conversation and message ids (JavaScript-safe as a string)."""
    return str(10**15 + secrets.randbelow(9 * 10**15))


def new_uuid() -> str:
    return str(uuid.uuid4())


class ConversationStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


class JobStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class App:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    email: str | None = None
    user_id: str | None = None


_VOICE = re.compile(r"^speaker \d+$", re.IGNORECASE)


def voice_name(cluster: int) -> str:
    """What a speaker told apart by voice (0-based ``cluster``) is called until renamed."""
    return f"Speaker {cluster + 1}"


def unnamed_voice(name: str) -> bool:
    """True for a speaker known only by voice ("Speaker 2")."""
    return bool(_VOICE.match(" ".join(name.strip().split())))


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who said something, as given by the source (name and/or userId); resolved to a Member."""

    name: str | None = None
    user_id: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.user_id or "Unknown"

    @property
    def email(self) -> str | None:
        """The userId when it is an e-mail address (Symbl uses e-mails as user ids)."""
        return self.user_id if self.user_id and "@" in self.user_id else None

    @property
    def key(self) -> str:
        """What identifies the person within a conversation: userId first, else the name."""
        return (self.user_id or self.name or "").strip().lower()


@dataclass(frozen=True, slots=True)
class Word:
    word: str
    start: datetime
    end: datetime
    score: float | None = None


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message as received, before it has an id and a member."""

    text: str
    speaker: Speaker
    start: datetime
    end: datetime
    words: tuple[Word, ...] = ()
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    text: str
    member: Member | None
    start: datetime
    end: datetime
    words: tuple[Word, ...] = ()
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    app_id: str
    name: str
    type: str
    source: str
    status: ConversationStatus
    start_time: datetime
    end_time: datetime | None
    timezone: str
    members: tuple[Member, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    link_epoch: int = 0
    """How many times its summary links were revoked (links made before the last stop working)."""
    node_id: str | None = None
    """The node that holds it while it is in progress (None: made before nodes existed)."""


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    app_id: str
    conversation_id: str
    kind: str
    status: JobStatus
    error: str | None
    params: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    """How many times a node has claimed it (more than one: a node died running it)."""
