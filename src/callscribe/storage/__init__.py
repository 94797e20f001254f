"""Persistence: SQLite by default, PostgreSQL by URL; migrations applied on open."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from callscribe.storage.database import create_async, migrate
from callscribe.storage.insight_store import InsightStore, StoredInsight
from callscribe.storage.node_store import NodeInfo, NodeStore
from callscribe.storage.recording_store import Recording, RecordingStatus, RecordingStore
from callscribe.storage.repository import Repository
from callscribe.storage.tracker_store import StoredTracker, TrackerStore


@dataclass
class Storage:
    """An open database: the repositories over it, and the engine to dispose of at shutdown."""

    repository: Repository
    insights: InsightStore
    trackers: TrackerStore
    recordings: RecordingStore
    nodes: NodeStore
    engine: AsyncEngine

    async def close(self) -> None:
        await self.engine.dispose()


async def open_storage(url: str) -> Storage:
    """Migrate the schema (in a thread: Alembic is synchronous) and open the async engine."""
    await asyncio.to_thread(migrate, url)
    engine, sessions = create_async(url)
    return Storage(
        Repository(sessions),
        InsightStore(sessions),
        TrackerStore(sessions),
        RecordingStore(sessions),
        NodeStore(sessions),
        engine,
    )


__all__ = [
    "InsightStore",
    "NodeInfo",
    "NodeStore",
    "Recording",
    "RecordingStatus",
    "RecordingStore",
    "Repository",
    "Storage",
    "StoredInsight",
    "StoredTracker",
    "TrackerStore",
    "migrate",
    "open_storage",
]
