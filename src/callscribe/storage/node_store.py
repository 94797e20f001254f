"""Rows of the server processes (nodes) sharing the database, and their heartbeats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callscribe.storage.tables import NodeRow, utcnow

ACTIVE, STOPPED = "active", "stopped"


@dataclass(frozen=True, slots=True)
class NodeInfo:
    id: str
    name: str
    state: str
    started_at: datetime
    heartbeat_at: datetime


def _info(row: NodeRow) -> NodeInfo:
    return NodeInfo(row.id, row.name, row.state, row.started_at, row.heartbeat_at)


class NodeStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def register(self, node_id: str, name: str) -> None:
        """A node starts. Earlier nodes of the same name (this server before a restart) are
        marked stopped: they cannot be running, whatever their last heartbeat says."""
        now = utcnow()
        async with self._sessions() as s:
            await s.execute(
                update(NodeRow)
                .where(NodeRow.name == name, NodeRow.state == ACTIVE)
                .values(state=STOPPED)
            )
            s.add(NodeRow(id=node_id, name=name, state=ACTIVE, started_at=now, heartbeat_at=now))
            await s.commit()

    async def heartbeat(self, node_id: str) -> None:
        async with self._sessions() as s:
            await s.execute(
                update(NodeRow)
                .where(NodeRow.id == node_id)
                .values(heartbeat_at=utcnow(), state=ACTIVE)
            )
            await s.commit()

    async def stop(self, node_id: str) -> None:
        async with self._sessions() as s:
            await s.execute(update(NodeRow).where(NodeRow.id == node_id).values(state=STOPPED))
            await s.commit()

    async def live(self, lease: float) -> set[str]:
        """Ids of the nodes that are active and beat their heart within ``lease`` seconds."""
        since = utcnow() - timedelta(seconds=lease)
        async with self._sessions() as s:
            ids = await s.scalars(
                select(NodeRow.id).where(NodeRow.state == ACTIVE, NodeRow.heartbeat_at >= since)
            )
            return set(ids)

    async def get(self, node_ids: set[str]) -> dict[str, NodeInfo]:
        if not node_ids:
            return {}
        async with self._sessions() as s:
            rows = await s.scalars(select(NodeRow).where(NodeRow.id.in_(node_ids)))
            return {r.id: _info(r) for r in rows}


__all__ = ["ACTIVE", "STOPPED", "NodeInfo", "NodeStore"]
