"""This process as a node: registered at start, beating its heart, and finishing what nodes
that stopped beating left in progress.

A node is alive while its heartbeat is younger than the lease (``NODE_LEASE_SECONDS``); it
beats every third of it. Each beat also looks for conversations no live node holds
(:func:`~callscribe.conversation.recovery.recover`), so a node killed with its calls is
finished by another within about a lease: ``node_lost``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

from callscribe.conversation.recovery import Adopted, recover
from callscribe.log import get_logger
from callscribe.records import new_uuid
from callscribe.storage import NodeStore, Repository

log = get_logger(__name__)


def default_node_url(host: str, port: int) -> str:
    """Where other nodes reach this one's API when ``NODE_URL`` is not set: the address it
    listens on, or this host's name when it listens on every address."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def node_name(data_dir: Path) -> str:
    """Host and data directory: what stays the same when this server restarts."""
    return f"{socket.gethostname()}:{data_dir.resolve()}"[:300]


class Node:
    def __init__(
        self, nodes: NodeStore, repository: Repository, name: str, *, lease: float = 30.0
    ) -> None:
        self.on_adopted: Callable[[Adopted], Awaitable[None]] | None = None
        """Told of each conversation this node took over (its subscribers are told it ended)."""
        self.id = new_uuid()
        self.name = name
        self.lease = lease
        self._nodes = nodes
        self._repo = repository

    async def start(self) -> None:
        """Register (an earlier run of this server is marked stopped) and finish what it
        and any dead node left."""
        await self._nodes.register(self.id, self.name)
        log.info("node started", node=self.id, name=self.name, lease=self.lease)
        await self.sweep()

    async def sweep(self) -> None:
        adopted = await recover(self._repo, self._nodes, name=self.name, lease=self.lease)
        for item in adopted:
            if self.on_adopted is not None:
                try:
                    await self.on_adopted(item)
                except Exception:  # the conversation is finished all the same
                    log.exception("telling subscribers of an adopted conversation failed")

    async def run(self) -> None:
        """Beat and sweep until cancelled; a failed beat is retried at the next."""
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                await self._nodes.heartbeat(self.id)
                await self.sweep()
            except Exception:
                log.exception("node heartbeat failed; trying again")

    async def stop(self) -> None:
        """Stopped cleanly: other nodes need not wait for the lease to take over."""
        await self._nodes.stop(self.id)


__all__ = ["Node", "default_node_url", "node_name"]
