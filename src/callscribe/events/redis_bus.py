"""The event bus across nodes: one Redis Stream per channel.

A publisher on one node appends (``XADD``); a subscriber on any node reads the stream from
its start, so a late subscriber gets the history first, then blocks for what comes next
(``XREAD BLOCK``). Every subscriber reads at its own pace with its own cursor: a slow one
never holds up the publisher nor loses events that the stream still holds. The stream is
bounded by length (``history`` entries, trimmed approximately as Redis does cheaply) and by
time: an open channel expires ``open_ttl`` after its last event, a closed one ``retain``
seconds after its end. The end of a channel is an entry of its own, so every subscriber,
wherever it is, sees it in order after the last event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis

from callscribe.cluster.redis import BLOCK_SECONDS, PREFIX
from callscribe.events.codec import UndecodableEvent, decode, encode
from callscribe.events.live import LiveEvent
from callscribe.log import get_logger

log = get_logger(__name__)

EVENT = b"e"
END = b"end"


class _StreamSubscription:
    def __init__(self, redis: Redis, key: str, block_ms: int, batch: int) -> None:
        self._redis = redis
        self._key = key
        self._block_ms = block_ms
        self._batch = batch

    async def __aiter__(self) -> AsyncIterator[LiveEvent]:
        cursor = "0-0"
        while True:
            answer: Any = await self._redis.xread(
                {self._key: cursor}, count=self._batch, block=self._block_ms
            )
            for _stream, entries in answer or ():
                for entry_id, fields in entries:
                    cursor = entry_id
                    if END in fields:
                        return
                    try:
                        yield decode(fields[EVENT])
                    except (UndecodableEvent, KeyError) as exc:  # a newer node's event
                        log.warning("skipped a live event", channel=self._key, error=str(exc))


class RedisStreamBus:
    """Live events on Redis Streams, readable from every node sharing the Redis."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = PREFIX,
        history: int = 1000,
        retain: float = 300.0,
        open_ttl: float = 6 * 3600.0,
        block_ms: int = round(BLOCK_SECONDS * 1000),
        batch: int = 200,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._history = history
        self._retain = retain
        self._open_ttl = open_ttl
        self._block_ms = block_ms
        self._batch = batch

    def _key(self, channel: str) -> str:
        return f"{self._prefix}events:{channel}"

    async def publish(self, channel: str, event: LiveEvent) -> None:
        key = self._key(channel)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(key, {EVENT: encode(event)}, maxlen=self._history, approximate=True)
            pipe.expire(key, int(self._open_ttl))
            await pipe.execute()

    async def open_channel(self, channel: str) -> None:
        key = self._key(channel)
        last: Any = await self._redis.xrevrange(key, count=1)
        if last and END in last[0][1]:  # an open one is left as it is
            await self._redis.delete(key)

    async def close_channel(self, channel: str) -> None:
        key = self._key(channel)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(key, {END: b"1"}, maxlen=self._history, approximate=True)
            pipe.expire(key, max(1, round(self._retain)))
            await pipe.execute()

    async def known(self, channel: str) -> bool:
        return bool(await self._redis.exists(self._key(channel)))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[_StreamSubscription]:
        yield _StreamSubscription(self._redis, self._key(channel), self._block_ms, self._batch)


__all__ = ["RedisStreamBus"]
