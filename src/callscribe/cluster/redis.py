"""The Redis that nodes share: one client per process, and the names of the keys they use.

Every key starts with ``callscribe:`` so one Redis can hold other programs' keys too.
Replies and payloads are bytes (``decode_responses`` off): events are read back exactly.
"""

from __future__ import annotations

from redis.asyncio import Redis

PREFIX = "callscribe:"

BLOCK_SECONDS = 2.0
"""The longest a blocking read (``BLPOP``, ``XREAD BLOCK``) waits in one call: well within
the socket timeout, so a Redis that stops answering is noticed."""

SOCKET_TIMEOUT = 10.0


def connect(url: str) -> Redis:
    """A pooled client for ``url``; it connects on first use (``/health/ready`` says when
    Redis does not answer)."""
    return Redis.from_url(
        url,
        decode_responses=False,
        health_check_interval=30,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=5.0,
        socket_keepalive=True,
    )


__all__ = ["BLOCK_SECONDS", "PREFIX", "SOCKET_TIMEOUT", "connect"]
