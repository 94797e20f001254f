"""WebSocket plumbing shared by the streaming and subscribe sockets: auth, errors, forwarding."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from callscribe.api.deps import bearer_token
from callscribe.errors import AuthError
from callscribe.events import Subscription
from callscribe.services import Services
from callscribe.symbl import events as ev

# Close codes: 1008 policy violation (auth, bad request), 1011 server error, 1013 try later.
POLICY = 1008
TRY_LATER = 1013


def services_of(ws: WebSocket) -> Services:
    services: Services = ws.app.state.services
    return services


async def authenticate(ws: WebSocket) -> str | None:
    """The app id of a valid token (``access_token`` query parameter, ``x-api-key`` or
    ``Authorization`` header). On failure the socket gets an error event and is closed."""
    token = ws.query_params.get("access_token") or bearer_token(
        ws.headers.get("x-api-key"), ws.headers.get("authorization")
    )
    await ws.accept()
    try:
        if token is None:
            raise AuthError(
                "missing access token: pass access_token in the URL or an x-api-key header"
            )
        return (await services_of(ws).apps.authenticate(token)).app_id
    except AuthError as exc:
        await refuse(ws, "unauthorized", exc.message)
        return None


async def refuse(ws: WebSocket, reason: str, message: str, code: int = POLICY) -> None:
    """Send an ``error`` event naming the problem, then close."""
    await send(ws, ev.error_event(reason, message))
    await close(ws, code, message)


async def send(ws: WebSocket, event: dict[str, Any]) -> bool:
    """Send one event; False when the client is gone (never raises for a closed socket)."""
    if ws.application_state != WebSocketState.CONNECTED:
        return False
    try:
        await ws.send_text(json.dumps(event))
    except (WebSocketDisconnect, RuntimeError, OSError):
        return False
    return True


async def close(ws: WebSocket, code: int = 1000, reason: str = "") -> None:
    if ws.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await ws.close(code, reason[:120])


async def forward(subscription: Subscription, ws: WebSocket) -> None:
    """Relay bus events to the socket, as Symbl's JSON, until the channel closes or the
    client leaves."""
    async for event in subscription:
        for message in ev.render(event):
            if not await send(ws, message):
                return


async def relay(subscription: Subscription, ws: WebSocket) -> None:
    """Forward events until the channel closes or the client leaves, whichever is first
    (answering Symbl's keep-alive meanwhile)."""
    async with asyncio.TaskGroup() as tg:
        relaying = tg.create_task(forward(subscription, ws))
        watcher = tg.create_task(_until_client_leaves(ws))
        relaying.add_done_callback(lambda _t: watcher.cancel())
        watcher.add_done_callback(lambda _t: relaying.cancel())


async def follows(services: Services, app_id: str, connection_id: str) -> bool:
    """The connection is this app's, on this node or (on a cluster) another: live, or ended
    with its events still retained."""
    connection = services.live.find(connection_id, app_id)
    if connection is not None:
        return connection.live or await services.bus.known(connection_id)
    if services.cluster is None:
        return False
    placement = await services.cluster.directory.find(connection_id)
    if placement is None or placement.app_id != app_id:
        return False
    return placement.live or await services.bus.known(connection_id)


async def _until_client_leaves(ws: WebSocket) -> None:
    """Answer Symbl's keep-alive (``__PING__`` -> ``__PONG__``), ignore anything else, until
    the client leaves."""
    while True:
        try:
            message = await ws.receive()
        except (WebSocketDisconnect, RuntimeError):
            return
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") == "__PING__":
            try:
                await ws.send_text("__PONG__")
            except (WebSocketDisconnect, RuntimeError, OSError):
                return
