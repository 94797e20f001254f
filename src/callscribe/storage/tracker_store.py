"""Trackers stored per app (Symbl's Management API): named vocabularies to spot in speech."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callscribe.errors import Conflict, NotFound
from callscribe.records import new_uuid
from callscribe.storage.tables import TrackerRow, utcnow


@dataclass(frozen=True, slots=True)
class StoredTracker:
    id: str
    name: str
    vocabulary: tuple[str, ...]
    created_at: datetime


def _tracker(row: TrackerRow) -> StoredTracker:
    return StoredTracker(row.id, row.name, tuple(row.vocabulary), row.created_at)


class TrackerStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, app_id: str, name: str, vocabulary: list[str]) -> StoredTracker:
        async with self._sessions() as s:
            row = TrackerRow(id=new_uuid(), app_id=app_id, name=name, vocabulary=vocabulary)
            s.add(row)
            try:
                await s.commit()
            except IntegrityError as exc:
                raise Conflict(f"a tracker named {name!r} already exists") from exc
            return _tracker(row)

    async def find(self, app_id: str, name: str | None = None) -> list[StoredTracker]:
        async with self._sessions() as s:
            query = select(TrackerRow).where(TrackerRow.app_id == app_id)
            if name is not None:
                query = query.where(TrackerRow.name == name)
            rows = await s.scalars(query.order_by(TrackerRow.name))
            return [_tracker(r) for r in rows]

    async def get(self, app_id: str, tracker_id: str) -> StoredTracker:
        async with self._sessions() as s:
            return _tracker(await self._owned(s, app_id, tracker_id))

    async def update(
        self, app_id: str, tracker_id: str, name: str, vocabulary: list[str]
    ) -> StoredTracker:
        async with self._sessions() as s:
            row = await self._owned(s, app_id, tracker_id)
            row.name, row.vocabulary, row.updated_at = name, vocabulary, utcnow()
            try:
                await s.commit()
            except IntegrityError as exc:
                raise Conflict(f"a tracker named {name!r} already exists") from exc
            return _tracker(row)

    async def delete(self, app_id: str, tracker_id: str) -> None:
        async with self._sessions() as s:
            await self._owned(s, app_id, tracker_id)
            await s.execute(delete(TrackerRow).where(TrackerRow.id == tracker_id))
            await s.commit()

    @staticmethod
    async def _owned(s: AsyncSession, app_id: str, tracker_id: str) -> TrackerRow:
        row = await s.get(TrackerRow, tracker_id)
        if row is None or row.app_id != app_id:
            raise NotFound(f"tracker {tracker_id} not found")
        return row
