"""The actions of a conversation's end (and start): summary e-mails and webhook calls.

Hooks (``conversation_started``, ``conversation_completed``, ``job_finished``,
``insights_created``) only *record* deliveries, so they never hold up whoever calls them;
:meth:`Actions.run`, owned by the server's task group, sends what is due, retries transient
failures with back-off and resumes pending deliveries after a restart (they are in the
database). The code never looks at a conversation's source: a text job, an upload, a stream
and a phone call end the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from callscribe.actions.backoff import RetryPolicy
from callscribe.actions.email import MailSettings, compose_started, compose_summary
from callscribe.actions.links import PAGE_KEY_NAME, PageLinks, base_url, new_key
from callscribe.actions.mailer import Mailer, OutboxMailer, SmtpMailer
from callscribe.actions.report import load_report
from callscribe.actions.spec import SEND_SUMMARY_EMAIL, parse_actions
from callscribe.actions.store import FAILED, PENDING, SENT, ActionStore, Delivery, NewDelivery
from callscribe.actions.webhooks import WebhookSender
from callscribe.config import Settings
from callscribe.errors import CallscribeError, ServiceError
from callscribe.log import bind, get_logger
from callscribe.metrics import DELIVERIES
from callscribe.records import Conversation, Job, JobStatus, Member
from callscribe.storage import Storage, StoredInsight
from callscribe.symbl.insights import Members, insight_event_json
from callscribe.symbl.times import iso_z

log = get_logger(__name__)

EMAIL, WEBHOOK = "email", "webhook"
_BATCH = 16
_IDLE_POLL = 30.0


@dataclass(frozen=True, slots=True)
class ActionStatus:
    """What ``GET /v1/conversations/{id}`` shows of one action."""

    name: str
    invoke_on: str | None
    status: str
    attempts: int
    error: str | None
    delivered_at: datetime | None
    recipients: tuple[str, ...]


@contextlib.contextmanager
def _contained(what: str) -> Iterator[None]:
    """Hooks run inside other people's work (a job, a live call): log, never propagate."""
    try:
        yield
    except Exception:
        log.exception(what)


def mailer_for(settings: Settings) -> Mailer:
    if not settings.smtp_host:
        return OutboxMailer(settings.data_dir / "outbox")
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=password,
        timeout=settings.smtp_timeout,
    )


class Actions:
    def __init__(
        self,
        storage: Storage,
        store: ActionStore,
        links: PageLinks,
        mailer: Mailer,
        sender: WebhookSender,
        policy: RetryPolicy,
        mail: MailSettings,
    ) -> None:
        self._storage = storage
        self.store = store
        self.links = links
        self._mailer = mailer
        self._sender = sender
        self._policy = policy
        self._mail = mail
        self._wake = asyncio.Event()
        # An attempt's longest plausible duration; past it a crashed attempt is due again.
        self._lease = 300.0
        self._in_flight = 0

    @classmethod
    async def create(cls, settings: Settings, storage: Storage) -> Actions:
        key = await storage.repository.get_or_create_key(PAGE_KEY_NAME, new_key())
        store = ActionStore(async_sessionmaker(storage.engine, expire_on_commit=False))
        return cls(
            storage,
            store,
            PageLinks(key, base_url(settings)),
            mailer_for(settings),
            WebhookSender(
                timeout=settings.webhook_timeout, allow_private=settings.webhook_allow_private
            ),
            RetryPolicy(
                attempts=settings.action_attempts,
                first_delay=settings.action_retry_delay,
                max_delay=settings.action_retry_max_delay,
            ),
            MailSettings(
                sender=settings.smtp_from, transcript_lines=settings.email_transcript_lines
            ),
        )

    def summary_url(self, conversation: Conversation) -> str:
        return self.links.summary_url(conversation)

    # --- hooks: record deliveries, never send inline --------------------------------------

    async def conversation_started(self, conversation: Conversation) -> None:
        """Record the ``invokeOn: "start"`` e-mails (call when a live conversation starts)."""
        with _contained("recording the start actions failed"):
            await self._record_emails(conversation, "start")

    async def conversation_completed(self, conversation: Conversation) -> None:
        """Record the stop e-mails and the ``conversation.completed`` webhooks (once each).

        Never raises: the conversation is already stored as completed, and a failure here must
        not turn a finished job into a failed one (it is logged)."""
        with _contained("recording the completion actions failed"):
            # Its summary links may have been revoked while it ran: link with the epoch now.
            owner = await self.store.page_owner(conversation.id)
            if owner is not None:
                conversation = replace(conversation, link_epoch=owner[1])
            await self._record_emails(conversation, "stop")
            body = {
                "conversationId": conversation.id,
                "name": conversation.name,
                "status": "completed",
                "startTime": iso_z(conversation.start_time),
                "summaryUrl": self.summary_url(conversation),
            }
            await self._record_webhooks(
                conversation, "conversation.completed", body, f"completed:{conversation.id}"
            )
        self._wake.set()

    async def conversation_deleted(
        self, app_id: str, conversation_id: str, name: str, reason: str
    ) -> None:
        """Record the ``conversation.deleted`` webhooks (before the conversation goes, so a
        crash between the two cannot lose them; deduplicated per conversation). ``reason``:
        ``retention`` or ``request``."""
        body = {"conversationId": conversation_id, "name": name, "reason": reason}
        for sub in await self.store.subscriptions(app_id, "conversation.deleted"):
            await self.store.add(
                NewDelivery(
                    app_id=app_id,
                    conversation_id=None,  # the conversation is going: the call outlives it
                    subscription_id=sub.id,
                    kind=WEBHOOK,
                    name="conversation.deleted",
                    invoke_on=None,
                    target=sub.url,
                    payload={"event": "conversation.deleted", "body": body},
                    dedupe_key=f"{sub.id}:deleted:{conversation_id}",
                )
            )
        self._wake.set()

    async def insights_created(
        self,
        conversation: Conversation,
        insights: Sequence[StoredInsight],
        members: Sequence[Member],
    ) -> None:
        """Record ``insight.created`` webhooks for insights found live (Symbl event items)."""
        lookup = Members(members)
        items = [insight_event_json(i, lookup) for i in insights]
        ids = ",".join(i.id for i in insights)
        key = "insight:" + hashlib.sha256(ids.encode()).hexdigest()[:32]
        body = {"conversationId": conversation.id, "insights": list(items)}
        with _contained("recording insight webhooks failed"):
            await self._record_webhooks(conversation, "insight.created", body, key)
        self._wake.set()

    async def job_finished(self, job: Job, status: JobStatus) -> None:
        """The ``on_finished`` listener of the job runner: call the job's ``webhookUrl``."""
        url = job.params.get("webhookUrl")
        if not url:
            return
        body = {"jobId": job.id, "status": status.value, "conversationId": job.conversation_id}
        await self.store.add(
            NewDelivery(
                app_id=job.app_id,
                conversation_id=job.conversation_id,
                subscription_id=None,
                kind=WEBHOOK,
                name="job.finished",
                invoke_on=None,
                target=str(url),
                payload={"event": "job.finished", "body": body},
                dedupe_key=f"job:{job.id}:{status.value}:{time.time_ns()}",
            )
        )
        self._wake.set()

    async def _record_emails(self, conversation: Conversation, invoke_on: str) -> None:
        try:
            specs = parse_actions(conversation.settings)
        except CallscribeError as exc:
            log.warning("conversation actions are invalid", error=exc.message)
            return
        for spec in specs:
            if spec.invoke_on != invoke_on:
                continue
            if spec.name != SEND_SUMMARY_EMAIL or not spec.emails:
                log.warning("action ignored", action=spec.name, emails=len(spec.emails))
                continue
            await self.store.add(
                NewDelivery(
                    app_id=conversation.app_id,
                    conversation_id=conversation.id,
                    subscription_id=None,
                    kind=EMAIL,
                    name=spec.name,
                    invoke_on=invoke_on,
                    target=", ".join(spec.emails),
                    payload={"emails": list(spec.emails)},
                    dedupe_key=f"email:{conversation.id}:{invoke_on}:{spec.index}",
                )
            )
        self._wake.set()

    async def _record_webhooks(
        self, conversation: Conversation, event: str, body: dict[str, Any], key: str
    ) -> None:
        for sub in await self.store.subscriptions(conversation.app_id, event):
            await self.store.add(
                NewDelivery(
                    app_id=conversation.app_id,
                    conversation_id=conversation.id,
                    subscription_id=sub.id,
                    kind=WEBHOOK,
                    name=event,
                    invoke_on=None,
                    target=sub.url,
                    payload={"event": event, "body": body},
                    dedupe_key=f"{sub.id}:{key}"[:300],
                )
            )

    # --- state ------------------------------------------------------------------------------

    async def status(self, conversation_id: str) -> list[ActionStatus]:
        return [
            ActionStatus(
                name=d.name,
                invoke_on=d.invoke_on,
                status=d.status,
                attempts=d.attempts,
                error=d.error,
                delivered_at=d.delivered_at,
                recipients=tuple(d.payload.get("emails", ())),
            )
            for d in await self.store.for_conversation(conversation_id, EMAIL)
        ]

    # --- the background worker --------------------------------------------------------------

    async def run(self) -> None:
        """Send due deliveries until cancelled; pending ones from before a restart included."""
        while True:
            try:
                wait = await self._round()
            except Exception:
                # A database hiccup must not take the server's task group down: try later.
                log.exception("delivery round failed")
                wait = _IDLE_POLL
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _round(self) -> float:
        """Send what is due now; returns how long to sleep before the next round."""
        due = await self.store.due(datetime.now(UTC), _BATCH)
        if due:
            async with asyncio.TaskGroup() as tg:
                for delivery in due:
                    tg.create_task(self._attempt(delivery))
            return 0.0
        self._wake.clear()
        nxt = await self.store.next_due()
        if nxt is None:
            return _IDLE_POLL
        return max(0.0, min(_IDLE_POLL, (nxt - datetime.now(UTC)).total_seconds()))

    async def settle(self, wait: float) -> None:
        """Send what is due now and wait, up to ``wait`` seconds, until nothing is due or
        being sent (a server stopping cleanly leaves no summary e-mail behind)."""
        deadline = time.monotonic() + wait
        self._wake.set()
        while time.monotonic() < deadline:
            if self._in_flight == 0 and not await self.store.due(datetime.now(UTC), 1):
                return
            await asyncio.sleep(0.1)
        log.warning("deliveries still due at shutdown; another node or the next start sends them")

    async def _attempt(self, d: Delivery) -> None:
        self._in_flight += 1
        try:
            await self._attempt_claimed(d)
        finally:
            self._in_flight -= 1

    async def _attempt_claimed(self, d: Delivery) -> None:
        with bind(delivery_id=d.id, conversation_id=d.conversation_id, kind=d.kind):
            if not await self.store.claim(d, datetime.now(UTC) + timedelta(seconds=self._lease)):
                return
            attempts = d.attempts + 1
            try:
                where = await self._send(d)
            except asyncio.CancelledError:
                # Cut short (shutdown): due again at once, for another node or the next start,
                # not after the claim's lease.
                release = self.store.record(
                    d.id,
                    status=PENDING,
                    attempts=d.attempts,
                    error=None,
                    next_attempt_at=datetime.now(UTC),
                )
                with contextlib.suppress(Exception):
                    await asyncio.shield(release)
                raise
            except CallscribeError as exc:
                retryable = isinstance(exc, ServiceError) and exc.retryable
                delay = self._policy.delay_after(attempts) if retryable else None
                if delay is None:
                    log.warning("delivery failed", attempts=attempts, error=exc.message)
                    DELIVERIES.labels(d.kind, "failed").inc()
                    await self.store.record(
                        d.id, status=FAILED, attempts=attempts, error=exc.message
                    )
                else:
                    log.info("delivery will be retried", attempts=attempts, error=exc.message)
                    DELIVERIES.labels(d.kind, "retrying").inc()
                    await self.store.record(
                        d.id,
                        status=PENDING,
                        attempts=attempts,
                        error=exc.message,
                        next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
                    )
                return
            except Exception as exc:
                log.exception("delivery crashed")
                DELIVERIES.labels(d.kind, "failed").inc()
                await self.store.record(
                    d.id,
                    status=FAILED,
                    attempts=attempts,
                    error=f"internal error: {type(exc).__name__}",
                )
                return
            log.info("delivered", to=where, attempts=attempts)
            DELIVERIES.labels(d.kind, "sent").inc()
            await self.store.record(
                d.id, status=SENT, attempts=attempts, error=None, delivered_at=datetime.now(UTC)
            )

    async def _send(self, d: Delivery) -> str:
        if d.kind == EMAIL:
            return await self._send_email(d)
        secret = await self.store.secret_of(d.subscription_id) if d.subscription_id else None
        await self._sender.post(
            d.target,
            d.payload["body"],
            event=d.payload["event"],
            delivery_id=d.id,
            secret=secret,
            now=time.time(),
        )
        return d.target

    async def _send_email(self, d: Delivery) -> str:
        assert d.conversation_id is not None
        storage = self._storage
        report = await load_report(
            storage.repository, storage.insights, d.app_id, d.conversation_id
        )
        url = self.links.summary_url(report.conversation)
        to = d.payload["emails"]
        now = datetime.now(UTC)
        if d.invoke_on == "start":
            message = compose_started(
                report.conversation, to=to, page_url=url, settings=self._mail, now=now
            )
        else:
            message = compose_summary(report, to=to, page_url=url, settings=self._mail, now=now)
        return await self._mailer.send(message)

    async def close(self) -> None:
        await self._sender.close()


__all__ = ["ActionStatus", "Actions", "mailer_for"]
