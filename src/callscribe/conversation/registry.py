"""The live sessions of this process: lookup by connection id, limits, and ownership of the
tasks of sessions that outlive the request that started them (phone calls)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from callscribe.errors import LimitExceeded
from callscribe.log import get_logger

log = get_logger(__name__)


@dataclass
class _Entry:
    app_id: str
    session: Any


class LiveRegistry:
    """Sessions by connection id, at most ``max_total`` at once and ``max_per_app`` per app."""

    def __init__(self, *, max_total: int, max_per_app: int) -> None:
        self.max_total = max_total
        self.max_per_app = max_per_app
        self._entries: dict[str, _Entry] = {}
        self._per_app: Counter[str] = Counter()
        self._spawn: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()

    def check_capacity(self, app_id: str) -> None:
        """``LimitExceeded`` (429) when another live session would pass a limit."""
        if len(self._entries) >= self.max_total:
            raise LimitExceeded(
                f"the server is at its limit of {self.max_total} live conversations; "
                "try again when one ends"
            )
        if self._per_app[app_id] >= self.max_per_app:
            raise LimitExceeded(
                f"this app already has {self._per_app[app_id]} live conversations, "
                f"the limit per app (CALLSCRIBE_MAX_LIVE_PER_APP={self.max_per_app})"
            )

    def add(self, app_id: str, connection_id: str, session: Any) -> None:
        """Take a place for ``session``; ``LimitExceeded`` when there is none."""
        self.check_capacity(app_id)
        self._entries[connection_id] = _Entry(app_id, session)
        self._per_app[app_id] += 1

    def remove(self, connection_id: str) -> None:
        entry = self._entries.pop(connection_id, None)
        if entry is None:
            return
        self._per_app[entry.app_id] -= 1
        if self._per_app[entry.app_id] <= 0:
            del self._per_app[entry.app_id]

    @contextmanager
    def registered(self, app_id: str, connection_id: str, session: Any) -> Iterator[None]:
        """Hold a place for ``session`` while the block runs (limits checked on entry)."""
        self.add(app_id, connection_id, session)
        try:
            yield
        finally:
            self.remove(connection_id)

    def get(self, connection_id: str, app_id: str | None = None) -> Any | None:
        """The session of ``connection_id`` (only if it belongs to ``app_id``, when given)."""
        entry = self._entries.get(connection_id)
        if entry is None or (app_id is not None and entry.app_id != app_id):
            return None
        return entry.session

    def __len__(self) -> int:
        return len(self._entries)

    def spawn(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run ``work`` in the registry's task group (for sessions no request owns)."""
        self._spawn.put_nowait(work)

    async def supervise(self) -> None:
        """Own every spawned task until cancelled (at shutdown, they are cancelled too)."""
        async with asyncio.TaskGroup() as tg:
            while True:
                work = await self._spawn.get()
                tg.create_task(self._guarded(work))

    @staticmethod
    async def _guarded(work: Callable[[], Awaitable[None]]) -> None:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live task failed")
