"""What nodes sharing a Redis have in common: the load board, the connection directory and
the forwarding of requests to the node holding a connection. Absent without
``CALLSCRIBE_REDIS_URL``: one process then holds everything itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from callscribe.cluster.board import Board
from callscribe.cluster.directory import Directory
from callscribe.cluster.forward import Forwarder
from callscribe.cluster.redis import connect
from callscribe.log import get_logger

log = get_logger(__name__)


@dataclass
class Cluster:
    redis: Redis
    board: Board
    directory: Directory
    forwarder: Forwarder

    @classmethod
    def open(
        cls,
        redis_url: str,
        *,
        node_id: str,
        name: str,
        url: str,
        capacity: int,
        lease: float,
        live: Callable[[], int],
        retain: float = 300.0,
    ) -> Cluster:
        redis = connect(redis_url)
        board = Board(redis, node_id, name, url, capacity=capacity, lease=lease, live=live)
        return cls(
            redis,
            board,
            Directory(redis, node_id, board.alive, retain=retain),
            Forwarder(redis, node_id),
        )

    @property
    def node_id(self) -> str:
        return self.board.node_id

    async def holder(self, app_id: str, connection_id: str) -> str | None:
        """The other node, still alive, that holds (or last held) the app's connection."""
        placement = await self.directory.find(connection_id)
        if (
            placement is None
            or placement.app_id != app_id
            or placement.node_id == self.node_id
            or not await self.board.alive(placement.node_id)
        ):
            return None
        return placement.node_id

    async def run(self) -> None:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(self.board.run())
            tg.create_task(self.forwarder.serve())

    async def drain(self) -> None:
        """Take no new conversations: other nodes stop placing calls here."""
        self.board.draining = True
        await self.board.publish()

    async def close(self) -> None:
        try:
            await self.board.leave()
        except Exception as exc:
            log.warning("node record not removed; it expires with the lease", error=str(exc))
        await self.redis.aclose()


__all__ = ["Cluster"]
