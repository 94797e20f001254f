"""Opening and closing a connection everywhere it is known: this process's registry, the
event bus's channel and, on a cluster, the directory other nodes read and the load board."""

from __future__ import annotations

from typing import TYPE_CHECKING

from callscribe.cluster import Cluster
from callscribe.conversation.registry import Connection, LiveRegistry
from callscribe.events import EventBus
from callscribe.log import get_logger

if TYPE_CHECKING:
    from callscribe.conversation.call import CallSession
    from callscribe.pipeline.session import LiveSession

log = get_logger(__name__)


class Connections:
    def __init__(self, registry: LiveRegistry, bus: EventBus, cluster: Cluster | None) -> None:
        self.registry = registry
        self._bus = bus
        self._cluster = cluster

    async def open(
        self,
        app_id: str,
        connection_id: str,
        session: LiveSession,
        call: CallSession | None = None,
    ) -> Connection:
        """Register a live connection; ``Conflict`` (409) when the id is live here or on
        another node, or another app's; ``LimitExceeded`` (429) at this node's limits. The
        channel starts afresh when the id was used before."""
        connection = self.registry.open(app_id, connection_id, session, call)
        if self._cluster is not None:
            try:
                await self._cluster.directory.claim(app_id, connection_id)
            except BaseException:
                self.registry.forget(connection_id)
                raise
        await self._bus.open_channel(connection_id)
        await self._publish_load()
        return connection

    async def close(self, app_id: str, connection_id: str) -> None:
        """The connection ended: its place is free here and on the board; other nodes read
        it as ended."""
        self.registry.close(connection_id)
        if self._cluster is not None:
            try:
                await self._cluster.directory.release(app_id, connection_id)
            except Exception as exc:  # it expires; the board shows this node's load anyway
                log.warning("connection not released in the directory", error=str(exc))
        await self._publish_load()

    async def holder(self, app_id: str, connection_id: str) -> str | None:
        """The other live node holding the app's connection (None: here, or nowhere)."""
        if self._cluster is None or self.registry.find(connection_id, app_id) is not None:
            return None
        return await self._cluster.holder(app_id, connection_id)

    async def _publish_load(self) -> None:
        if self._cluster is None:
            return
        try:
            await self._cluster.board.publish()
        except Exception as exc:
            log.warning("node load not published", error=str(exc))


__all__ = ["Connections"]
