"""Each node's load on Redis, so any node can place a call where there is room.

A node writes its record (live conversations, its ``MAX_LIVE``, whether it drains) on every
change and every third of its lease; the record expires with the lease, so a node that dies
drops off the board by itself. Placement reads the board: the node with the most free places
takes a call this node cannot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from callscribe.cluster.redis import PREFIX
from callscribe.log import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class NodeLoad:
    id: str
    name: str
    live: int
    capacity: int
    draining: bool
    url: str
    """Where other nodes reach its API (``NODE_URL``)."""

    @property
    def free(self) -> int:
        """Places for new conversations (none while draining)."""
        return 0 if self.draining else max(0, self.capacity - self.live)


class Board:
    def __init__(
        self,
        redis: Redis,
        node_id: str,
        name: str,
        url: str,
        *,
        capacity: int,
        lease: float,
        live: Callable[[], int],
    ) -> None:
        self._redis = redis
        self.node_id = node_id
        self._name = name
        self._url = url
        self._capacity = capacity
        self._lease = lease
        self._live = live
        self.draining = False
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    @staticmethod
    def _key(node_id: str) -> str:
        return f"{PREFIX}nodes:{node_id}"

    def load(self) -> NodeLoad:
        return NodeLoad(
            self.node_id, self._name, self._live(), self._capacity, self.draining, self._url
        )

    async def publish(self) -> None:
        record = self.load()
        value = json.dumps(
            {
                "name": record.name,
                "live": record.live,
                "capacity": record.capacity,
                "draining": record.draining,
                "url": record.url,
            }
        )
        await self._redis.set(self._key(self.node_id), value, px=round(self._lease * 1000))

    async def run(self) -> None:
        """Keep this node's record fresh until cancelled (at once after :meth:`announce`)."""
        self._loop = asyncio.get_running_loop()
        while True:
            try:
                await self.publish()
            except Exception as exc:  # Redis away: readiness says so; try at the next beat
                log.warning("node load not published", error=str(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._lease / 3)
            self._wake.clear()

    def announce_draining(self) -> None:
        """Safe from a signal handler: drain from now, and say so on the board at once."""
        self.draining = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def leave(self) -> None:
        await self._redis.delete(self._key(self.node_id))

    async def alive(self, node_id: str) -> bool:
        return bool(await self._redis.exists(self._key(node_id)))

    async def nodes(self) -> list[NodeLoad]:
        """Every node whose record is fresh."""
        keys = [key async for key in self._redis.scan_iter(match=f"{PREFIX}nodes:*", count=200)]
        if not keys:
            return []
        values = await self._redis.mget(keys)
        found = []
        for key, value in zip(keys, values, strict=True):
            if value is None:
                continue
            record = json.loads(value)
            node_id = key.decode().removeprefix(f"{PREFIX}nodes:")
            found.append(
                NodeLoad(
                    node_id,
                    record["name"],
                    int(record["live"]),
                    int(record["capacity"]),
                    bool(record["draining"]),
                    str(record["url"]),
                )
            )
        return found

    async def roomiest_other(self) -> NodeLoad | None:
        """The other node with the most free places, if any has one."""
        others = [n for n in await self.nodes() if n.id != self.node_id and n.free > 0]
        return max(others, key=lambda n: n.free, default=None)


__all__ = ["Board", "NodeLoad"]
