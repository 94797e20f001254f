"""The connections of this process: one owner per connection id, limits, and the tasks of
sessions that outlive the request that started them (phone calls).

A connection id belongs to one app from the moment it is opened until it is forgotten: while
live, and afterwards while it is retained (its call status and event history stay readable,
up to ``history`` ended connections). Opening an id that is live — or retained for another
app — is a conflict, so no app can read or steer another's conversation through it.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from callscribe.errors import Conflict, LimitExceeded
from callscribe.log import get_logger

if TYPE_CHECKING:
    from callscribe.conversation.call import CallSession
    from callscribe.pipeline.session import LiveSession

log = get_logger(__name__)

HISTORY = 1000


@dataclass
class Connection:
    """A connection id's one owner: its app, its live session and, for a call, the call."""

    app_id: str
    connection_id: str
    session: LiveSession
    call: CallSession | None = None
    live: bool = True


class LiveRegistry:
    """Connections by id, at most ``max_total`` live at once and ``max_per_app`` per app."""

    def __init__(self, *, max_total: int, max_per_app: int, history: int = HISTORY) -> None:
        self.max_total = max_total
        self.max_per_app = max_per_app
        self.clustered = False
        """Other nodes take what this one has no room for (a refusal means all are full)."""
        self._history = history
        self._connections: OrderedDict[str, Connection] = OrderedDict()
        self._per_app: Counter[str] = Counter()
        self._spawn: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()

    def check_capacity(self, app_id: str) -> None:
        """``LimitExceeded`` (429) when another live connection would pass a limit."""
        if sum(self._per_app.values()) >= self.max_total:
            raise LimitExceeded(
                f"every node is at its limit of live conversations ({self.max_total} on this "
                "one); try again when one ends"
                if self.clustered
                else f"the server is at its limit of {self.max_total} live conversations; "
                "try again when one ends"
            )
        if self._per_app[app_id] >= self.max_per_app:
            raise LimitExceeded(
                f"this app already has {self._per_app[app_id]} live conversations, "
                f"the limit per app (CALLSCRIBE_MAX_LIVE_PER_APP={self.max_per_app})"
            )

    def check_available(self, app_id: str, connection_id: str) -> None:
        """``Conflict`` (409) when ``connection_id`` cannot be opened by ``app_id``."""
        known = self._connections.get(connection_id)
        if known is None:
            return
        if known.live:
            raise Conflict(f"connection {connection_id} is already live; use another id")
        if known.app_id != app_id:
            raise Conflict(f"connection id {connection_id} is taken; use another id")

    def open(
        self,
        app_id: str,
        connection_id: str,
        session: LiveSession,
        call: CallSession | None = None,
    ) -> Connection:
        """Register a live connection; ``Conflict`` or ``LimitExceeded`` when it cannot be."""
        self.check_available(app_id, connection_id)
        self.check_capacity(app_id)
        self._connections.pop(connection_id, None)
        connection = Connection(app_id, connection_id, session, call)
        self._connections[connection_id] = connection
        self._per_app[app_id] += 1
        return connection

    def close(self, connection_id: str) -> None:
        """The connection ended: its place is free; it is kept (read-only) as history."""
        connection = self._connections.get(connection_id)
        if connection is None or not connection.live:
            return
        connection.live = False
        self._per_app[connection.app_id] -= 1
        if self._per_app[connection.app_id] <= 0:
            del self._per_app[connection.app_id]
        self._connections.move_to_end(connection_id)
        ended = [c for c in self._connections.values() if not c.live]
        for old in ended[: max(0, len(ended) - self._history)]:
            del self._connections[old.connection_id]

    def forget(self, connection_id: str) -> None:
        """Drop a connection that was opened but could not start (its place is free)."""
        self.close(connection_id)
        self._connections.pop(connection_id, None)

    def find(self, connection_id: str, app_id: str) -> Connection | None:
        """The app's connection of that id, live or retained."""
        connection = self._connections.get(connection_id)
        return connection if connection is not None and connection.app_id == app_id else None

    def get(self, connection_id: str, app_id: str) -> LiveSession | None:
        """The app's live session of that id (None once it has ended)."""
        connection = self.find(connection_id, app_id)
        return connection.session if connection is not None and connection.live else None

    def live_connections(self) -> list[Connection]:
        return [c for c in self._connections.values() if c.live]

    def states(self) -> list[tuple[str, str]]:
        """(kind, state) of each live connection: ``call`` and its call state, or
        ``stream`` and ``live``."""
        return [
            ("call", c.call.status.state.value) if c.call is not None else ("stream", "live")
            for c in self._connections.values()
            if c.live
        ]

    @property
    def full(self) -> bool:
        """No place for another live connection (whichever app asks)."""
        return len(self) >= self.max_total

    def __len__(self) -> int:
        """Live connections."""
        return sum(self._per_app.values())

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
