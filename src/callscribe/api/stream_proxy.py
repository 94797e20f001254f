"""A stream this node has no room for, carried to the node with the most room.

The client keeps its one socket; this node opens the same stream on the other node (the
client's credentials, its ``start_request`` as sent) and passes frames both ways until either
side closes, then closes the client's socket as the other node closed its own. Nothing is
carried twice: a carried stream bears :data:`~callscribe.cluster.forward.FORWARDED`, and a
node that is full too refuses it.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from callscribe.api.ws import TRY_LATER, close, refuse
from callscribe.cluster.forward import FORWARDED
from callscribe.log import get_logger

log = get_logger(__name__)

_CREDENTIALS = ("authorization", "x-api-key")


def _ws_url(node_url: str, path: str, query: str) -> str:
    base = "wss" + node_url[5:] if node_url.startswith("https") else "ws" + node_url[4:]
    return base.rstrip("/") + path + (f"?{query}" if query else "")


async def proxy_stream(ws: WebSocket, node_url: str, this_node: str, start: str) -> None:
    """Carry the accepted ``ws`` (its ``start_request`` already read) to ``node_url``."""
    url = _ws_url(node_url, ws.url.path, ws.url.query)
    headers = {k: v for k in _CREDENTIALS if (v := ws.headers.get(k)) is not None}
    headers[FORWARDED] = this_node
    try:
        async with connect(url, additional_headers=headers, max_size=None) as upstream:
            await upstream.send(start)
            log.info("stream passed to another node", node_url=node_url, path=ws.url.path)
            async with asyncio.TaskGroup() as tg:
                down = tg.create_task(_downstream(upstream, ws))
                up = tg.create_task(_upstream(ws, upstream))
                down.add_done_callback(lambda _t: up.cancel())
                up.add_done_callback(lambda _t: down.cancel())
    except (OSError, InvalidHandshake) as exc:
        await refuse(ws, "too_many_requests", f"no node could take the stream: {exc}", TRY_LATER)
        return
    await close(ws, upstream.close_code or 1000, upstream.close_reason or "")


async def _downstream(upstream: ClientConnection, ws: WebSocket) -> None:
    with contextlib.suppress(ConnectionClosed, WebSocketDisconnect, RuntimeError, OSError):
        async for message in upstream:
            if isinstance(message, bytes):
                await ws.send_bytes(message)
            else:
                await ws.send_text(message)


async def _upstream(ws: WebSocket, upstream: ClientConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            try:
                message = await ws.receive()
            except (WebSocketDisconnect, RuntimeError):
                break
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes") is not None:
                await upstream.send(message["bytes"])
            elif message.get("text") is not None:
                await upstream.send(message["text"])
        await upstream.close()  # the client left: the other node ends the stream cleanly
