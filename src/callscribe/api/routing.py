"""Requests about a connection held by another node are answered by that node."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from callscribe.cluster.forward import forwarded
from callscribe.services import Services


async def at_holder(
    services: Services, request: Request, app_id: str, connection_id: str
) -> Response | None:
    """The holder's answer when another live node holds the app's connection; None when
    this node answers (it holds it, none does, or the request was forwarded here)."""
    if services.cluster is None or forwarded(request):
        return None
    node = await services.connections.holder(app_id, connection_id)
    if node is None:
        return None
    return await services.cluster.forwarder.forward(node, request)


async def at_roomier_node(services: Services, request: Request) -> Response | None:
    """Another node's answer to a new call when this one is full or draining; None when
    this node takes it (or no node has room: this node's limit then answers 429)."""
    cluster = services.cluster
    if cluster is None or forwarded(request):
        return None
    if not cluster.board.draining and not services.live.full:
        return None
    node = await cluster.board.roomiest_other()
    if node is None:
        return None
    return await cluster.forwarder.forward(node.id, request)


__all__ = ["at_holder", "at_roomier_node"]
