"""SQL for webhook subscriptions and deliveries (the e-mails and webhook calls to make).

A delivery is recorded ``pending`` before anything is sent, so a restart resumes it; the
worker moves it to ``sent`` or, after its last attempt, ``failed`` with the error.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callscribe.errors import NotFound
from callscribe.records import new_uuid
from callscribe.storage.tables import (
    ConversationRow,
    DeliveryRow,
    WebhookSubscriptionRow,
    utcnow,
)

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    app_id: str
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    app_id: str
    conversation_id: str | None
    subscription_id: str | None
    kind: str  # "email" | "webhook"
    name: str  # action name, or webhook event name
    invoke_on: str | None
    target: str
    payload: dict[str, Any]
    status: str
    attempts: int
    error: str | None
    next_attempt_at: datetime
    delivered_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewDelivery:
    app_id: str
    conversation_id: str | None
    subscription_id: str | None
    kind: str
    name: str
    invoke_on: str | None
    target: str
    payload: dict[str, Any]
    dedupe_key: str


def _subscription(r: WebhookSubscriptionRow) -> Subscription:
    return Subscription(r.id, r.app_id, r.url, tuple(r.events), r.secret, r.created_at)


def _delivery(r: DeliveryRow) -> Delivery:
    return Delivery(
        id=r.id,
        app_id=r.app_id,
        conversation_id=r.conversation_id,
        subscription_id=r.subscription_id,
        kind=r.kind,
        name=r.name,
        invoke_on=r.invoke_on,
        target=r.target,
        payload=dict(r.payload),
        status=r.status,
        attempts=r.attempts,
        error=r.error,
        next_attempt_at=r.next_attempt_at,
        delivered_at=r.delivered_at,
        created_at=r.created_at,
    )


class ActionStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # --- subscriptions ----------------------------------------------------------------------

    async def add_subscription(self, app_id: str, url: str, events: list[str]) -> Subscription:
        async with self._sessions() as s:
            row = WebhookSubscriptionRow(
                id=new_uuid(),
                app_id=app_id,
                url=url,
                events=events,
                # Standard Webhooks: "whsec_" and the base64 of the key's bytes
                secret="whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),
                created_at=utcnow(),
            )
            s.add(row)
            await s.commit()
            return _subscription(row)

    async def subscriptions(self, app_id: str, event: str | None = None) -> list[Subscription]:
        async with self._sessions() as s:
            rows = await s.scalars(
                select(WebhookSubscriptionRow)
                .where(WebhookSubscriptionRow.app_id == app_id)
                .order_by(WebhookSubscriptionRow.created_at, WebhookSubscriptionRow.id)
            )
            subs = [_subscription(r) for r in rows]
        return [x for x in subs if event is None or event in x.events]

    async def subscription(self, app_id: str, subscription_id: str) -> Subscription:
        async with self._sessions() as s:
            row = await s.get(WebhookSubscriptionRow, subscription_id)
            if row is None or row.app_id != app_id:
                raise NotFound(f"webhook {subscription_id} not found")
            return _subscription(row)

    async def remove_subscription(self, app_id: str, subscription_id: str) -> None:
        async with self._sessions() as s:
            row = await s.get(WebhookSubscriptionRow, subscription_id)
            if row is None or row.app_id != app_id:
                raise NotFound(f"webhook {subscription_id} not found")
            await s.execute(delete(DeliveryRow).where(DeliveryRow.subscription_id == row.id))
            await s.delete(row)
            await s.commit()

    async def secret_of(self, subscription_id: str) -> str | None:
        async with self._sessions() as s:
            row = await s.get(WebhookSubscriptionRow, subscription_id)
            return None if row is None else row.secret

    # --- deliveries -------------------------------------------------------------------------

    async def add(self, new: NewDelivery) -> Delivery | None:
        """Record a pending delivery; ``None`` if one with the same dedupe key exists."""
        async with self._sessions() as s:
            now = utcnow()
            row = DeliveryRow(
                id=new_uuid(),
                app_id=new.app_id,
                conversation_id=new.conversation_id,
                subscription_id=new.subscription_id,
                kind=new.kind,
                name=new.name,
                invoke_on=new.invoke_on,
                target=new.target,
                payload=new.payload,
                dedupe_key=new.dedupe_key,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            s.add(row)
            try:
                await s.commit()
            except IntegrityError:
                await s.rollback()
                return None
            return _delivery(row)

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        async with self._sessions() as s:
            rows = await s.scalars(
                select(DeliveryRow)
                .where(and_(DeliveryRow.status == PENDING, DeliveryRow.next_attempt_at <= now))
                .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
                .limit(limit)
            )
            return [_delivery(r) for r in rows]

    async def claim(self, delivery: Delivery, lease_until: datetime) -> bool:
        """Take a due delivery for one attempt (compare-and-set on its due time).

        Another process sharing the database (or a second round in this one) that read the
        same row loses the race and skips it; if this process dies mid-attempt, the delivery
        becomes due again when the lease ends.
        """
        async with self._sessions() as s:
            result = await s.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.id == delivery.id,
                    DeliveryRow.status == PENDING,
                    DeliveryRow.next_attempt_at == delivery.next_attempt_at,
                )
                .values(next_attempt_at=lease_until)
            )
            await s.commit()
            return bool(getattr(result, "rowcount", 0) == 1)

    async def next_due(self) -> datetime | None:
        async with self._sessions() as s:
            when: datetime | None = await s.scalar(
                select(func.min(DeliveryRow.next_attempt_at)).where(DeliveryRow.status == PENDING)
            )
            if when is not None and when.tzinfo is None:  # SQLite drops the zone of an aggregate
                when = when.replace(tzinfo=UTC)
            return when

    async def record(
        self,
        delivery_id: str,
        *,
        status: str,
        attempts: int,
        error: str | None,
        next_attempt_at: datetime | None = None,
        delivered_at: datetime | None = None,
        target: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status, "attempts": attempts, "error": error}
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        if delivered_at is not None:
            values["delivered_at"] = delivered_at
        if target is not None:
            values["target"] = target
        async with self._sessions() as s:
            await s.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(values))
            await s.commit()

    async def for_conversation(self, conversation_id: str, kind: str) -> list[Delivery]:
        async with self._sessions() as s:
            rows = await s.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.conversation_id == conversation_id, DeliveryRow.kind == kind)
                .order_by(DeliveryRow.created_at, DeliveryRow.dedupe_key)
            )
            return [_delivery(r) for r in rows]

    async def for_subscription(self, subscription_id: str, limit: int = 100) -> list[Delivery]:
        async with self._sessions() as s:
            rows = await s.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.subscription_id == subscription_id)
                .order_by(DeliveryRow.created_at.desc(), DeliveryRow.id)
                .limit(limit)
            )
            return [_delivery(r) for r in rows]

    async def page_owner(self, conversation_id: str) -> tuple[str, int] | None:
        """The app owning a conversation and its link epoch (the summary page knows only the
        id and token); None for an unknown conversation."""
        async with self._sessions() as s:
            row = (
                await s.execute(
                    select(ConversationRow.app_id, ConversationRow.link_epoch).where(
                        ConversationRow.id == conversation_id
                    )
                )
            ).first()
            return None if row is None else (row[0], row[1])


__all__ = ["FAILED", "PENDING", "SENT", "ActionStore", "Delivery", "NewDelivery", "Subscription"]
