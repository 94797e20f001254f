"""Webhook calls: the signature scheme, target URL rules, and the HTTP POST itself.

Every call is a ``POST`` of a JSON body signed by the `Standard Webhooks`_ specification, so
off-the-shelf verifiers (the ``standardwebhooks`` libraries, Svix) accept it:

* ``webhook-id``: the delivery id (the same on every retry of one delivery: deduplicate by it);
* ``webhook-timestamp``: Unix seconds when this attempt was sent;
* ``webhook-signature``: ``v1,`` + base64 HMAC-SHA256 of ``"{id}.{timestamp}.{raw body}"``,
  keyed with the subscription's ``whsec_`` secret (absent on a job's ``webhookUrl``, which has
  no secret);
* ``X-Callscribe-Event``: the event name (``conversation.completed``,
  ``conversation.deleted``, ``insight.created``, ``job.finished``).

A receiver verifies in three lines::

    from standardwebhooks import Webhook
    payload = Webhook(secret).verify(raw_body, request_headers)   # raises if forged or stale

(:func:`verify_signature` here, ``callscribe_sdk.verify_webhook`` in the SDK.) Any 2xx answer is
success; network errors, 5xx, 408 and 429 are retried with back-off; other answers fail at once.

.. _Standard Webhooks: https://www.standardwebhooks.com/
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

from callscribe.errors import ServiceError, ValidationFailed
from callscribe.hosts import private_by_name
from callscribe.outbound import PublicOnly, public_transport

EVENT_HEADER = "X-Callscribe-Event"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
EVENTS = frozenset({"conversation.completed", "conversation.deleted", "insight.created"})


def sign(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for ``body`` of delivery ``delivery_id`` sent at
    ``timestamp`` (Unix seconds)."""
    sent = datetime.fromtimestamp(timestamp, UTC)
    return Webhook(secret).sign(msg_id=delivery_id, timestamp=sent, data=body.decode())


def verify_signature(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """True if ``headers`` sign ``body`` with ``secret`` and were sent within five minutes of
    now (the Standard Webhooks check, by its library)."""
    try:
        Webhook(secret).verify(body, dict(headers), json_parse=False)
    except WebhookVerificationError:
        return False
    return True


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


def _refused(host: str, address: str) -> ServiceError:
    return ServiceError(
        f"webhook host {host} resolves to {address}, a private address "
        "(CALLSCRIBE_WEBHOOK_ALLOW_PRIVATE=true allows it)",
        retryable=False,
    )


class WebhookSender:
    """POSTs signed bodies; one connection pool for the process."""

    def __init__(
        self, *, timeout: float, allow_private: bool, backend: PublicOnly | None = None
    ) -> None:
        """Unless ``allow_private``, connections go only to public addresses, checked as
        they are made (``backend``, for tests: how they are checked)."""
        transport = None if allow_private else public_transport(backend or PublicOnly(_refused))
        self._client = httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, transport=transport
        )
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
        raw = encode(body)
        stamp = int(now)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "callscribe-webhooks",
            EVENT_HEADER: event,
            ID_HEADER: delivery_id,
            TIMESTAMP_HEADER: str(stamp),
        }
        if secret is not None:
            headers[SIGNATURE_HEADER] = sign(secret, delivery_id, stamp, raw)
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
    "EVENTS",
    "EVENT_HEADER",
    "ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookSender",
    "sign",
    "validate_url",
    "verify_signature",
]
