"""Webhook subscriptions: register, list, delete, and read each one's delivery log.

Calls are signed (see :mod:`callscribe.actions.webhooks` for the headers and the scheme); the
secret is shown when a subscription is created and when it is read by its own app.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import Field

from callscribe.actions.store import Delivery, Subscription
from callscribe.actions.webhooks import validate_url
from callscribe.api.deps import AppId, ServicesDep
from callscribe.api.schemas.base import RequestBody, ResponseBody

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

EventName = Literal["conversation.completed", "conversation.deleted", "insight.created"]


class WebhookCreate(RequestBody):
    url: str = Field(min_length=1, max_length=2000)
    events: list[EventName] = Field(min_length=1, max_length=3)


class WebhookOut(ResponseBody):
    id: str
    url: str
    events: list[str]
    secret: str
    created_at: datetime


class WebhooksOut(ResponseBody):
    webhooks: list[WebhookOut]


class DeliveryOut(ResponseBody):
    id: str
    event: str
    conversation_id: str | None
    status: str
    attempts: int
    error: str | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveriesOut(ResponseBody):
    deliveries: list[DeliveryOut]


def _out(s: Subscription) -> WebhookOut:
    return WebhookOut(
        id=s.id, url=s.url, events=list(s.events), secret=s.secret, created_at=s.created_at
    )


def _delivery(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        event=d.name,
        conversation_id=d.conversation_id,
        status=d.status,
        attempts=d.attempts,
        error=d.error,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookOut,
    operation_id="create_webhook",
)
async def create_webhook(body: WebhookCreate, app_id: AppId, services: ServicesDep) -> WebhookOut:
    """Subscribe ``url`` to events; the answer carries the secret that signs every call."""
    url = validate_url(body.url, allow_private=services.settings.webhook_allow_private)
    events: list[str] = sorted(set(body.events))
    return _out(await services.actions.store.add_subscription(app_id, url, events))


@router.get("", response_model=WebhooksOut, operation_id="list_webhooks")
async def list_webhooks(app_id: AppId, services: ServicesDep) -> WebhooksOut:
    subs = await services.actions.store.subscriptions(app_id)
    return WebhooksOut(webhooks=[_out(s) for s in subs])


@router.get("/{webhook_id}", response_model=WebhookOut, operation_id="get_webhook")
async def get_webhook(webhook_id: str, app_id: AppId, services: ServicesDep) -> WebhookOut:
    return _out(await services.actions.store.subscription(app_id, webhook_id))


@router.delete(
    "/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="delete_webhook"
)
async def delete_webhook(webhook_id: str, app_id: AppId, services: ServicesDep) -> None:
    await services.actions.store.remove_subscription(app_id, webhook_id)


@router.get(
    "/{webhook_id}/deliveries", response_model=DeliveriesOut, operation_id="webhook_deliveries"
)
async def deliveries(
    webhook_id: str,
    app_id: AppId,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveriesOut:
    """The calls made (and being retried) for this subscription, newest first."""
    store = services.actions.store
    await store.subscription(app_id, webhook_id)
    return DeliveriesOut(
        deliveries=[_delivery(d) for d in await store.for_subscription(webhook_id, limit)]
    )
