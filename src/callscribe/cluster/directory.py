"""Which node holds a connection, for every node to read: one Redis key per connection id.

A connection id belongs to one app across the cluster as it does within a process
(:class:`~callscribe.conversation.registry.LiveRegistry`): claiming one that is live on a
node still alive, or retained for another app, is a conflict. An ended connection is kept
``retain`` seconds (as long as its event history), then forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from callscribe.cluster.redis import PREFIX
from callscribe.errors import Conflict

LIVE_TTL = 2 * 86400
"""A live entry outlasts any call; a node that dies is found dead on the board instead."""


@dataclass(frozen=True, slots=True)
class Placement:
    app_id: str
    node_id: str
    live: bool


class Directory:
    def __init__(
        self,
        redis: Redis,
        node_id: str,
        alive: Callable[[str], Awaitable[bool]],
        *,
        retain: float = 300.0,
    ) -> None:
        self._redis = redis
        self._node_id = node_id
        self._alive = alive
        self._retain = retain

    @staticmethod
    def _key(connection_id: str) -> str:
        return f"{PREFIX}connections:{connection_id}"

    def _value(self, app_id: str, live: bool) -> str:
        return json.dumps({"app": app_id, "node": self._node_id, "live": live})

    async def find(self, connection_id: str) -> Placement | None:
        value = await self._redis.get(self._key(connection_id))
        if value is None:
            return None
        record = json.loads(value)
        return Placement(record["app"], record["node"], bool(record["live"]))

    async def claim(self, app_id: str, connection_id: str) -> None:
        """Record this node as the connection's holder. ``Conflict`` (409) when it is live
        on another node that still beats, or was another app's."""
        key = self._key(connection_id)
        if await self._redis.set(key, self._value(app_id, True), nx=True, ex=LIVE_TTL):
            return
        known = await self.find(connection_id)
        if known is not None:
            elsewhere = known.live and known.node_id != self._node_id
            if elsewhere and await self._alive(known.node_id):
                raise Conflict(f"connection {connection_id} is already live; use another id")
            if known.app_id != app_id:
                raise Conflict(f"connection id {connection_id} is taken; use another id")
        await self._redis.set(key, self._value(app_id, True), ex=LIVE_TTL)

    async def release(self, app_id: str, connection_id: str) -> None:
        """The connection ended here: readable (not live) for ``retain`` seconds."""
        await self._redis.set(
            self._key(connection_id), self._value(app_id, False), ex=max(1, round(self._retain))
        )


__all__ = ["Directory", "Placement"]
