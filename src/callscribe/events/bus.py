"""The event bus seam: publish JSON events on a channel; subscribers read them in order.

A channel is a connection or conversation id. The in-process bus serves one server process; a
Redis implementation of the same protocol lets API and workers live in different processes.
A subscriber that falls behind by more than its queue loses the oldest events, never blocks the
publisher: live calls must not stall because a browser tab is slow.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

Event = dict[str, Any]


class Subscription(Protocol):
    """Events of one channel from the moment of subscribing; ends when the channel closes."""

    def __aiter__(self) -> AsyncIterator[Event]: ...


class EventBus(Protocol):
    async def publish(self, channel: str, event: Event) -> None: ...

    async def close_channel(self, channel: str) -> None:
        """Tell every subscriber of ``channel`` that no more events will come."""

    def subscribe(self, channel: str) -> Any:
        """An async context manager yielding a :class:`Subscription`."""


_CLOSED: Event = {"__closed__": True}


class _QueueSubscription:
    def __init__(self, maxsize: int) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize)
        self.dropped = 0

    def offer(self, event: Event) -> None:
        while True:
            try:
                self.queue.put_nowait(event)
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()
                self.dropped += 1

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            event = await self.queue.get()
            if event is _CLOSED:
                return
            yield event


class InProcessBus:
    """Fan-out to asyncio queues within this process."""

    def __init__(self, queue_size: int = 1000) -> None:
        self._subs: dict[str, set[_QueueSubscription]] = defaultdict(set)
        self._queue_size = queue_size

    async def publish(self, channel: str, event: Event) -> None:
        for sub in tuple(self._subs.get(channel, ())):
            sub.offer(event)

    async def close_channel(self, channel: str) -> None:
        for sub in self._subs.pop(channel, set()):
            sub.offer(_CLOSED)

    def subscriber_count(self, channel: str) -> int:
        return len(self._subs.get(channel, ()))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[_QueueSubscription]:
        sub = _QueueSubscription(self._queue_size)
        self._subs[channel].add(sub)
        try:
            yield sub
        finally:
            subs = self._subs.get(channel)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[channel]
