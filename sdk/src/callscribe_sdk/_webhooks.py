"""Verifying the server's webhook calls: Standard Webhooks signatures, by that spec's library.

::

    from callscribe_sdk import verify_webhook
    event = verify_webhook(secret, request.body, request.headers)  # raises WebhookInvalid
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from callscribe_sdk._exceptions import WebhookInvalid


def verify_webhook(secret: str, body: bytes | str, headers: Mapping[str, str]) -> dict[str, Any]:
    """The JSON payload of a webhook call after checking that ``headers`` (``webhook-id``,
    ``webhook-timestamp``, ``webhook-signature``) sign the raw ``body`` with the subscription's
    ``whsec_`` ``secret`` and that it was sent within five minutes. Pass the body exactly as
    received: a re-encoded JSON body no longer matches its signature."""
    try:
        Webhook(secret).verify(body, dict(headers.items()), json_parse=False)
    except WebhookVerificationError as exc:
        raise WebhookInvalid(f"webhook call not verified: {exc}") from exc
    payload = json.loads(body)
    if not isinstance(payload, dict):
        raise WebhookInvalid("webhook call not verified: its body is not a JSON object")
    return payload


__all__ = ["verify_webhook"]
