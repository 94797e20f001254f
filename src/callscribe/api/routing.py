"""Requests about a connection held by another node are answered by that node."""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from callscribe.cluster.board import NodeLoad
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


async def roomier_node(services: Services, connection: HTTPConnection) -> NodeLoad | None:
    """Another node with room for a new call or stream this one has no place for (None: no
    cluster, this node has room — a refusal by the app's own limit stays here —, none has
    room, or the request was passed here by another node already)."""
    cluster = services.cluster
    if cluster is None or forwarded(connection):
        return None
    if not (services.live.full or services.phone.draining):
        return None
    return await cluster.board.roomiest_other()


async def at_roomier_node(services: Services, request: Request) -> Response | None:
    """Another node's answer to a new call when this one is full or draining; None when
    this node takes it (or no node has room: this node's limit then answers 429)."""
    node = await roomier_node(services, request)
    if node is None or services.cluster is None:
        return None
    return await services.cluster.forwarder.forward(node.id, request)


__all__ = ["at_holder", "at_roomier_node", "roomier_node"]
