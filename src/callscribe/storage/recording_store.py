"""Rows of kept audio (``keepAudio``): which conversations have a recording, in what state.

The file itself lives on disk (:mod:`callscribe.recordings`); the row is written before the
first byte of audio, so a file without a row can only be left over from a deletion that was
cut short, and is safe to remove.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callscribe.storage.tables import ConversationRow, RecordingRow, utcnow


class RecordingStatus(StrEnum):
    RECORDING = "recording"
    """Audio is being written (a live call or stream, or an audio job)."""
    KEPT = "kept"
    EXPIRED = "expired"
    """The retention policy deleted the audio; the row says when, for a clear answer."""


@dataclass(frozen=True, slots=True)
class Recording:
    conversation_id: str
    format: str
    status: RecordingStatus
    seconds: float
    bytes: int
    parts: tuple[str, ...]
    location: str | None
    """None: the data directory; else the ``s3://bucket/prefix`` the file is in."""
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Expiring:
    """A conversation past its retention period."""

    conversation_id: str
    app_id: str
    name: str
    ended_at: datetime


def _recording(row: RecordingRow) -> Recording:
    return Recording(
        row.conversation_id,
        row.format,
        RecordingStatus(row.status),
        row.seconds,
        row.bytes,
        tuple(row.parts),
        row.location,
        row.created_at,
        row.updated_at,
    )


def _expiring(cutoff: datetime) -> Select[str, str, str, datetime]:
    """Finished conversations that ended before ``cutoff`` (those that never recorded an
    end: started before it), with when they ended."""
    ended = func.coalesce(ConversationRow.end_time, ConversationRow.start_time)
    return select(ConversationRow.id, ConversationRow.app_id, ConversationRow.name, ended).where(
        ConversationRow.status != "in_progress",
        or_(
            and_(ConversationRow.end_time.is_not(None), ConversationRow.end_time < cutoff),
            and_(ConversationRow.end_time.is_(None), ConversationRow.start_time < cutoff),
        ),
    )


class RecordingStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def start(self, conversation_id: str, fmt: str) -> Recording:
        """Mark the conversation's audio as being written (again, when appending)."""
        async with self._sessions() as s:
            row = await s.get(RecordingRow, conversation_id)
            if row is None:
                row = RecordingRow(
                    conversation_id=conversation_id, format=fmt, seconds=0.0, bytes=0, parts=[]
                )
                s.add(row)
            row.status = RecordingStatus.RECORDING.value
            row.updated_at = utcnow()
            await s.commit()
            return _recording(row)

    async def finish(
        self,
        conversation_id: str,
        seconds: float,
        size: int,
        part: str | None = None,
        location: str | None = None,
    ) -> None:
        """The file is whole: ``seconds`` long, ``size`` bytes, now holding ``part``, stored
        at ``location`` (None: the data directory)."""
        async with self._sessions() as s:
            row = await s.get(RecordingRow, conversation_id)
            if row is None:
                return  # the conversation was deleted meanwhile
            row.status = RecordingStatus.KEPT.value
            row.seconds, row.bytes, row.location = seconds, size, location
            if part is not None and part not in row.parts:
                row.parts = [*row.parts, part]
            row.updated_at = utcnow()
            await s.commit()

    async def get(self, conversation_id: str) -> Recording | None:
        async with self._sessions() as s:
            row = await s.get(RecordingRow, conversation_id)
            return None if row is None else _recording(row)

    async def unfinished(self, live_nodes: set[str]) -> list[Recording]:
        """Recordings a stopped node was writing: of conversations no live node holds."""
        async with self._sessions() as s:
            rows = await s.scalars(
                select(RecordingRow)
                .join(ConversationRow, ConversationRow.id == RecordingRow.conversation_id)
                .where(
                    RecordingRow.status == RecordingStatus.RECORDING.value,
                    or_(
                        ConversationRow.node_id.is_(None),
                        ConversationRow.node_id.not_in(live_nodes),
                    ),
                )
            )
            return [_recording(r) for r in rows]

    async def with_files(self, conversation_ids: Iterable[str]) -> set[str]:
        """Which of these conversations have audio that should be on disk."""
        ids = list(conversation_ids)
        if not ids:
            return set()
        async with self._sessions() as s:
            found = await s.scalars(
                select(RecordingRow.conversation_id).where(
                    RecordingRow.conversation_id.in_(ids),
                    RecordingRow.status != RecordingStatus.EXPIRED.value,
                )
            )
            return set(found)

    async def audio_expiring(self, cutoff: datetime, limit: int = 500) -> list[Expiring]:
        """Kept audio of conversations that ended before ``cutoff``."""
        async with self._sessions() as s:
            rows = await s.execute(
                _expiring(cutoff)
                .join(RecordingRow, RecordingRow.conversation_id == ConversationRow.id)
                .where(RecordingRow.status == RecordingStatus.KEPT.value)
                .limit(limit)
            )
            return [Expiring(r[0], r[1], r[2], r[3]) for r in rows]

    async def conversations_expiring(self, cutoff: datetime, limit: int = 500) -> list[Expiring]:
        """Conversations that ended before ``cutoff``."""
        async with self._sessions() as s:
            rows = await s.execute(_expiring(cutoff).limit(limit))
            return [Expiring(r[0], r[1], r[2], r[3]) for r in rows]

    async def mark_expired(self, conversation_id: str) -> None:
        async with self._sessions() as s:
            await s.execute(
                update(RecordingRow)
                .where(RecordingRow.conversation_id == conversation_id)
                .values(status=RecordingStatus.EXPIRED.value, bytes=0, updated_at=utcnow())
            )
            await s.commit()


__all__ = ["Expiring", "Recording", "RecordingStatus", "RecordingStore"]
