"""Webhook calls: the signature scheme, target URL rules, and the HTTP POST itself.

Every call is a ``POST`` of a JSON body with these headers:

* ``X-Callscribe-Event``: the event name (``conversation.completed``, ``insight.created``,
  ``job.finished``);
* ``X-Callscribe-Delivery``: the delivery id (the same on every retry of one delivery);
* ``X-Callscribe-Timestamp``: Unix seconds when this attempt was sent;
* ``X-Callscribe-Signature``: ``v1=`` + hex HMAC-SHA256, keyed with the subscription's secret,
  of ``"{timestamp}.{raw body}"`` (absent on a job's ``webhookUrl``, which has no secret).

A receiver recomputes the HMAC over the raw body and rejects a timestamp too far from its own
clock (:func:`verify_signature` does both). Any 2xx answer is success;
network errors, 5xx, 408 and 429 are retried with back-off; other answers fail at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx

from callscribe.errors import ServiceError, ValidationFailed
from callscribe.hosts import is_private_address, private_by_name

EVENT_HEADER = "X-Callscribe-Event"
DELIVERY_HEADER = "X-Callscribe-Delivery"
TIMESTAMP_HEADER = "X-Callscribe-Timestamp"
SIGNATURE_HEADER = "X-Callscribe-Signature"
EVENTS = frozenset({"conversation.completed", "insight.created"})


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Callscribe-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float, tolerance: float = 300
) -> bool:
    """True if ``signature`` signs ``body`` at ``timestamp`` and that time is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def validate_url(url: str, *, allow_private: bool) -> str:
    """Check a target URL's form; with ``allow_private`` false, refuse loopback/private IPs."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed(f"url {url!r} is not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed(f"url scheme {parts.scheme!r} is not allowed (use http or https)")
    host = parts.hostname
    if not host:
        raise ValidationFailed(f"url {url!r} has no host")
    if parts.username or parts.password:
        raise ValidationFailed("url must not carry credentials")
    del port
    if not allow_private and (why := private_by_name(host)) is not None:
        raise ValidationFailed(f"url host {why}, which is refused")
    return url


async def check_resolved(url: str, *, allow_private: bool) -> None:
    """At send time: refuse a host name that resolves to a private address (rebinding)."""
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ServiceError(f"cannot resolve webhook host {host}: {exc}", retryable=True) from exc
    for info in infos:
        address = str(info[4][0])
        if is_private_address(address):
            raise ServiceError(
                f"webhook host {host} resolves to {address}, a private address", retryable=False
            )


class WebhookSender:
    """POSTs signed bodies; one connection pool for the process."""

    def __init__(self, *, timeout: float, allow_private: bool) -> None:
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self.allow_private = allow_private

    async def post(
        self,
        url: str,
        body: dict[str, Any],
        *,
        event: str,
        delivery_id: str,
        secret: str | None,
        now: float,
    ) -> int:
        """Send one attempt; returns the status code, raises ``ServiceError`` on failure."""
        await check_resolved(url, allow_private=self.allow_private)
        raw = encode(body)
        stamp = int(now)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "callscribe-webhooks",
            EVENT_HEADER: event,
            DELIVERY_HEADER: delivery_id,
            TIMESTAMP_HEADER: str(stamp),
        }
        if secret is not None:
            headers[SIGNATURE_HEADER] = sign(secret, stamp, raw)
        try:
            response = await self._client.post(url, content=raw, headers=headers)
        except httpx.HTTPError as exc:
            raise ServiceError(
                f"webhook {url} not reached: {type(exc).__name__}: {exc}", retryable=True
            ) from exc
        if not 200 <= response.status_code < 300:
            raise ServiceError(
                f"webhook {url} answered {response.status_code}",
                retryable=response.status_code >= 500 or response.status_code in (408, 429),
            )
        return response.status_code

    async def close(self) -> None:
        await self._client.aclose()


__all__ = [
    "DELIVERY_HEADER",
    "EVENTS",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookSender",
    "check_resolved",
    "sign",
    "validate_url",
    "verify_signature",
]
