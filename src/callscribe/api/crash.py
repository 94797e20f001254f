"""A pure-ASGI guard that turns an unhandled error into one 500 and one compact log record.

Starlette's own last-resort handler answers 500 and then re-raises, so the server logs the
same error a second time; with rich tracebacks (local variables of every frame) that was
megabytes per error, written on the event loop while every other request waited.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callscribe.log import get_logger

log = get_logger(__name__)

_BODY = json.dumps({"message": "internal server error"}).encode()


class CrashGuard:
    """Answers 500 ``{"message": "internal server error"}`` for an error no handler took,
    logging it once; an error after the response started is logged and the response cut."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception:
            log.exception(
                "unhandled error",
                method=scope.get("method"),
                path=scope.get("path"),
                response_started=started,
            )
            if started:
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": _BODY})


__all__ = ["CrashGuard"]
