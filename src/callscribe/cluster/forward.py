"""Requests about a connection another node holds, answered by that node.

A call lives in the memory of the node that dialled it (its SIP dialog, its pipeline), so a
stop, a speaker event or a status read that reaches another node behind the load balancer is
passed to the holder over Redis: the request (method, path, headers, body) goes onto the
holder's inbox list; the holder acknowledges it at once, runs it through its own API in
process and pushes the answer onto the reply list the asking node waits on. A holder that
does not acknowledge within :data:`ACK_SECONDS` (it died and its lease has not run out yet)
gets the asker a 503 at once rather than after the whole wait. Nothing is routed twice: a
forwarded request carries :data:`FORWARDED`, and the holder answers it itself, whatever it
finds.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import httpx
from redis.asyncio import Redis
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp

from callscribe.cluster.redis import BLOCK_SECONDS, PREFIX
from callscribe.errors import ServiceError
from callscribe.log import get_logger
from callscribe.records import new_uuid

log = get_logger(__name__)

FORWARDED = "x-callscribe-forwarded"
"""Header naming the node a request was forwarded from."""

WAIT = 75.0
"""Longest wait for the holder's answer: a stop waits up to a minute for the conversation."""

ACK_SECONDS = 3.0
"""How long a live holder takes at most to take a request off its inbox."""

_SKIPPED = {"connection", "keep-alive", "transfer-encoding", "content-length", FORWARDED}


def forwarded(connection: HTTPConnection) -> bool:
    """The request or socket was passed here by another node (it is answered here)."""
    return FORWARDED in connection.headers


class Forwarder:
    def __init__(self, redis: Redis, node_id: str, *, wait: float = WAIT) -> None:
        self._redis = redis
        self.node_id = node_id
        self._wait = wait
        self.app: ASGIApp | None = None
        """This node's API, which answers forwarded requests (set when the app starts)."""

    @staticmethod
    def _inbox(node_id: str) -> str:
        return f"{PREFIX}inbox:{node_id}"

    async def forward(self, node_id: str, request: Request) -> Response:
        """The answer of ``node_id`` to ``request``; ``ServiceError`` (503) when it gives none
        within the wait."""
        reply = f"{PREFIX}replies:{new_uuid()}"
        envelope = {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": [[k, v] for k, v in request.headers.items() if k not in _SKIPPED],
            "body": base64.b64encode(await request.body()).decode(),
            "reply": reply,
            "deadline": time.time() + self._wait,
            "from": self.node_id,
        }
        inbox = self._inbox(node_id)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.rpush(inbox, json.dumps(envelope))
            pipe.expire(inbox, round(self._wait))
            await pipe.execute()
        log.info("request forwarded", to_node=node_id, path=request.url.path)
        result = await self._reply(node_id, reply)
        return Response(
            content=base64.b64decode(result["body"]),
            status_code=result["status"],
            media_type=result.get("type"),
        )

    async def _reply(self, node_id: str, reply: str) -> dict[str, Any]:
        started, acknowledged = time.monotonic(), False
        while True:
            waited = time.monotonic() - started
            if not acknowledged and waited > ACK_SECONDS:
                raise ServiceError(
                    f"node {node_id}, which holds this connection, does not answer (if it "
                    "stopped, another node ends its calls within NODE_LEASE_SECONDS); try again",
                    retryable=True,
                )
            if waited > self._wait:
                raise ServiceError(
                    f"node {node_id}, which holds this connection, did not answer within "
                    f"{self._wait:g} s; try again",
                    retryable=True,
                )
            item: Any = await self._redis.blpop([reply], timeout=min(1.0, BLOCK_SECONDS))
            if item is None:
                continue
            message: dict[str, Any] = json.loads(item[1])
            if message.get("ack"):
                acknowledged = True
                continue
            return message

    async def serve(self) -> None:
        """Answer this node's forwarded requests until cancelled."""
        inbox = self._inbox(self.node_id)
        async with asyncio.TaskGroup() as tg:
            while True:
                try:
                    item: Any = await self._redis.blpop([inbox], timeout=BLOCK_SECONDS)
                except Exception as exc:  # Redis away: readiness says so
                    log.warning("forwarded requests not read", error=str(exc))
                    await asyncio.sleep(1.0)
                    continue
                if item is not None:
                    tg.create_task(self._answer(json.loads(item[1])))

    async def _answer(self, envelope: dict[str, Any]) -> None:
        if time.time() > envelope["deadline"]:
            return  # the asking node has given up
        await self._push(envelope["reply"], {"ack": True})
        try:
            status, media_type, body = await self._run(envelope)
        except Exception as exc:
            log.exception("forwarded request failed", path=envelope["path"])
            status, media_type = 503, "application/json"
            message = f"the node holding the connection failed: {exc}"
            body = json.dumps({"message": message}).encode()
        result = {
            "status": status,
            "type": media_type,
            "body": base64.b64encode(body).decode(),
        }
        await self._push(envelope["reply"], result)

    async def _push(self, reply: str, message: dict[str, Any]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.rpush(reply, json.dumps(message))
            pipe.expire(reply, round(self._wait))
            await pipe.execute()

    async def _run(self, envelope: dict[str, Any]) -> tuple[int, str | None, bytes]:
        if self.app is None:
            raise ServiceError("this node's API is not running", retryable=True)
        headers = [(k, v) for k, v in envelope["headers"]] + [(FORWARDED, envelope["from"])]
        query = envelope["query"]
        url = "http://node" + envelope["path"] + (f"?{query}" if query else "")
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, timeout=self._wait) as client:
            response = await client.request(
                envelope["method"],
                url,
                headers=headers,
                content=base64.b64decode(envelope["body"]),
            )
        return response.status_code, response.headers.get("content-type"), response.content


__all__ = ["FORWARDED", "Forwarder", "forwarded"]
