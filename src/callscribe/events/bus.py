"""The event bus seam: publish live events on a channel; subscribers read them in order.

A channel is a connection id. The in-process bus serves one server process; nodes sharing a
Redis use :class:`~callscribe.events.redis_bus.RedisStreamBus`, which keeps the same protocol.

Each channel keeps a bounded history, so a subscriber that connects late (a client that got
the 201 of a call that failed within milliseconds) still sees what happened, up to and
including the end; a closed channel's history is kept for ``retain`` seconds. A subscriber
that falls behind by more than its queue loses the oldest events, never blocks the
publisher: live calls must not stall because a browser tab is slow.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from callscribe.events.live import LiveEvent


class Subscription(Protocol):
    """Events of one channel (history first, then live); ends when the channel closes."""

    def __aiter__(self) -> AsyncIterator[LiveEvent]: ...


class EventBus(Protocol):
    async def publish(self, channel: str, event: LiveEvent) -> None: ...

    async def open_channel(self, channel: str) -> None:
        """A new source starts on ``channel``: the history and end of an earlier, closed one
        are forgotten (an open channel is left as it is)."""

    async def close_channel(self, channel: str) -> None:
        """Tell every subscriber of ``channel`` that no more events will come."""

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """History, then live events of ``channel``, until it closes."""

    async def known(self, channel: str) -> bool:
        """True while the channel is open or its history is still retained."""


class _End:
    """Marks the end of a channel in a subscriber's queue."""


_END = _End()


class _QueueSubscription:
    def __init__(self, maxsize: int) -> None:
        self.queue: asyncio.Queue[LiveEvent | _End] = asyncio.Queue(maxsize)
        self.dropped = 0

    def offer(self, event: LiveEvent | _End) -> None:
        while True:
            try:
                self.queue.put_nowait(event)
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()
                self.dropped += 1

    async def __aiter__(self) -> AsyncIterator[LiveEvent]:
        while True:
            event = await self.queue.get()
            if isinstance(event, _End):
                return
            yield event


class InProcessBus:
    """Fan-out to asyncio queues within this process, with per-channel history."""

    def __init__(
        self,
        queue_size: int = 2000,
        history: int = 1000,
        retain: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._subs: dict[str, set[_QueueSubscription]] = defaultdict(set)
        self._history: dict[str, deque[LiveEvent]] = {}
        self._closed_at: dict[str, float] = {}
        self._queue_size = queue_size
        self._history_size = history
        self._retain = retain
        self._clock = clock

    async def publish(self, channel: str, event: LiveEvent) -> None:
        history = self._history.get(channel)
        if history is None:
            history = self._history[channel] = deque(maxlen=self._history_size)
        history.append(event)
        for sub in tuple(self._subs.get(channel, ())):
            sub.offer(event)

    async def open_channel(self, channel: str) -> None:
        if self._closed_at.pop(channel, None) is not None:  # an open one is left as it is
            self._history[channel] = deque(maxlen=self._history_size)

    async def close_channel(self, channel: str) -> None:
        self._forget_expired()
        self._closed_at[channel] = self._clock()
        self._history.setdefault(channel, deque(maxlen=self._history_size))
        for sub in self._subs.pop(channel, set()):
            sub.offer(_END)

    async def known(self, channel: str) -> bool:
        """True while the channel is open or its history is still retained."""
        self._forget_expired()
        return channel in self._history

    def subscriber_count(self, channel: str) -> int:
        return len(self._subs.get(channel, ()))

    def _forget_expired(self) -> None:
        now = self._clock()
        for channel, closed in list(self._closed_at.items()):
            if now - closed > self._retain:
                del self._closed_at[channel]
                self._history.pop(channel, None)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[_QueueSubscription]:
        sub = _QueueSubscription(self._queue_size)
        for event in self._history.get(channel, ()):
            sub.offer(event)
        if channel in self._closed_at:
            sub.offer(_END)
        else:
            self._subs[channel].add(sub)
        try:
            yield sub
        finally:
            subs = self._subs.get(channel)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[channel]
