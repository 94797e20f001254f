"""Between ORM rows and the records of :mod:`callscribe.records`: building rows for new objects
and reading records out of stored ones (the repository's only translation layer)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from callscribe.records import (
    Conversation,
    ConversationStatus,
    Job,
    JobStatus,
    Member,
    Message,
    Speaker,
    Word,
    new_numeric_id,
    new_uuid,
)
from callscribe.storage.tables import ConversationRow, JobRow, MemberRow, MessageRow, utcnow


def speaker_key(user_id: str | None, name: str | None) -> str:
    return Speaker(name=name, user_id=user_id).key


def word_json(w: Word) -> dict[str, Any]:
    return {
        "word": w.word,
        "start": w.start.isoformat(),
        "end": w.end.isoformat(),
        "score": w.score,
    }


def word(d: dict[str, Any]) -> Word:
    return Word(
        word=d["word"],
        start=datetime.fromisoformat(d["start"]),
        end=datetime.fromisoformat(d["end"]),
        score=d.get("score"),
    )


def member(row: MemberRow) -> Member:
    return Member(id=row.id, name=row.name, email=row.email, user_id=row.user_id)


def message(row: MessageRow, member_row: MemberRow | None) -> Message:
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        seq=row.seq,
        text=row.text,
        member=member(member_row) if member_row is not None else None,
        start=row.start_time,
        end=row.end_time,
        words=tuple(word(w) for w in row.words),
        confidence=row.confidence,
    )


def conversation_row(
    app_id: str,
    name: str,
    source: str,
    start_time: datetime,
    timezone: str,
    settings: dict[str, Any],
    metadata: dict[str, Any],
) -> ConversationRow:
    return ConversationRow(
        id=new_numeric_id(),
        app_id=app_id,
        name=name,
        type="meeting",
        source=source,
        status=ConversationStatus.IN_PROGRESS.value,
        start_time=start_time,
        end_time=None,
        timezone=timezone,
        settings=settings,
        metadata_=metadata,
    )


def job_row(
    app_id: str, conversation_id: str, kind: str, params: dict[str, Any], job_id: str | None = None
) -> JobRow:
    return JobRow(
        id=job_id or new_uuid(),
        app_id=app_id,
        conversation_id=conversation_id,
        kind=kind,
        status=JobStatus.SCHEDULED.value,
        params=params,
        created_at=utcnow(),
        updated_at=utcnow(),
    )


def conversation(row: ConversationRow, members: list[Member]) -> Conversation:
    return Conversation(
        id=row.id,
        app_id=row.app_id,
        name=row.name,
        type=row.type,
        source=row.source,
        status=ConversationStatus(row.status),
        start_time=row.start_time,
        end_time=row.end_time,
        timezone=row.timezone,
        members=tuple(members),
        settings=dict(row.settings),
        metadata=dict(row.metadata_),
        link_epoch=row.link_epoch,
        node_id=row.node_id,
    )


def job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        app_id=row.app_id,
        conversation_id=row.conversation_id,
        kind=row.kind,
        status=JobStatus(row.status),
        error=row.error,
        params=dict(row.params),
        created_at=row.created_at,
        updated_at=row.updated_at,
        attempts=row.attempts or 0,
    )


PERSON_KEYS = frozenset({"name", "user_id", "email", "id", "userId"})


def renamed(data: Any, names: Mapping[str, str]) -> Any:
    """``data`` (stored JSON) with every person called by a key of ``names`` called by its
    value — a speaker, an assignee — leaving text alone. All at once: a name given by one
    entry is not renamed again by another."""
    if isinstance(data, list):
        return [renamed(x, names) for x in data]
    if not isinstance(data, dict):
        return data
    name = data.get("name")
    if isinstance(name, str) and name in names and set(data) <= PERSON_KEYS:
        return {**data, "name": names[name]}
    return {k: renamed(v, names) for k, v in data.items()}


__all__ = [
    "conversation",
    "conversation_row",
    "job",
    "job_row",
    "member",
    "message",
    "renamed",
    "speaker_key",
    "word",
    "word_json",
]
