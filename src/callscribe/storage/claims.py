"""What the nodes sharing a database claim: jobs, each taken by exactly one node under a lease,
and the conversations a dead node left in progress (adopted by exactly one live node)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from callscribe.records import Conversation, ConversationStatus, Job, JobStatus
from callscribe.storage import convert
from callscribe.storage.tables import ConversationRow, JobRow, utcnow

if TYPE_CHECKING:
    from callscribe.storage.repository import Repository


class Claims:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], repository: Repository) -> None:
        """``repository``: whose ``node_id`` adopts orphans."""
        self._sessions = sessions
        self._repo = repository

    @staticmethod
    def _claimable(name: str, kinds: Sequence[str], now: datetime) -> Any:
        """Jobs ``node`` may take now: scheduled, or in progress under a lapsed lease (its
        node died); of its kinds; not pinned to another node; and each the first unfinished
        job of its conversation (a conversation's jobs run one at a time, in order)."""
        earlier = aliased(JobRow)
        ahead = select(earlier.id).where(
            earlier.conversation_id == JobRow.conversation_id,
            earlier.id != JobRow.id,
            earlier.status.in_([JobStatus.SCHEDULED.value, JobStatus.IN_PROGRESS.value]),
            or_(
                earlier.created_at < JobRow.created_at,
                and_(earlier.created_at == JobRow.created_at, earlier.id < JobRow.id),
            ),
        )
        return and_(
            or_(
                JobRow.status == JobStatus.SCHEDULED.value,
                and_(
                    JobRow.status == JobStatus.IN_PROGRESS.value,
                    or_(JobRow.lease_until.is_(None), JobRow.lease_until < now),
                ),
            ),
            JobRow.kind.in_(list(kinds)),
            or_(JobRow.node_affinity.is_(None), JobRow.node_affinity == name),
            ~ahead.exists(),
        )

    async def claim_job(
        self, node: str, kinds: Sequence[str], lease: float, *, name: str | None = None
    ) -> Job | None:
        """Take the oldest job ``node`` (called ``name``: jobs pinned to that name are its
        own) may run, for ``lease`` seconds (renew it with
        :meth:`renew_job`); None when there is none. Exactly one node gets each claim: rows
        another transaction holds are skipped (PostgreSQL), and the claim is a conditional
        update that only one claimant can make."""
        now = utcnow()
        async with self._sessions() as s:
            candidate = await s.scalar(
                select(JobRow.id)
                .where(self._claimable(name or node, kinds, now))
                .order_by(JobRow.created_at, JobRow.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if candidate is None:
                await s.rollback()
                return None
            claimed = await s.execute(
                update(JobRow)
                .where(JobRow.id == candidate, self._claimable(name or node, kinds, now))
                .values(
                    status=JobStatus.IN_PROGRESS.value,
                    claimed_by=node,
                    lease_until=now + timedelta(seconds=lease),
                    attempts=JobRow.attempts + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if not getattr(claimed, "rowcount", 0):
                await s.rollback()
                return None
            await s.commit()
            row = await s.get(JobRow, candidate, populate_existing=True)
            assert row is not None
            return convert.job(row)

    async def renew_job(self, job_id: str, node: str, lease: float) -> bool:
        """Extend ``node``'s claim on a running job; False if the claim was lost."""
        async with self._sessions() as s:
            renewed = await s.execute(
                update(JobRow)
                .where(
                    JobRow.id == job_id,
                    JobRow.claimed_by == node,
                    JobRow.status == JobStatus.IN_PROGRESS.value,
                )
                .values(lease_until=utcnow() + timedelta(seconds=lease))
            )
            await s.commit()
            return bool(getattr(renewed, "rowcount", 0))

    async def has_claimable(self, name: str, kinds: Sequence[str]) -> bool:
        async with self._sessions() as s:
            found = await s.scalar(
                select(JobRow.id).where(self._claimable(name, kinds, utcnow())).limit(1)
            )
            return found is not None

    async def orphaned_conversations(self, live_nodes: set[str]) -> list[Conversation]:
        """Conversations still ``in_progress`` that no live node holds and no job is scheduled
        or running for: what a node left when it died (its live calls and streams, a request
        cut before its job was stored)."""
        unfinished = select(JobRow.id).where(
            JobRow.conversation_id == ConversationRow.id,
            JobRow.status.in_([JobStatus.SCHEDULED.value, JobStatus.IN_PROGRESS.value]),
        )
        async with self._sessions() as s:
            rows = list(
                await s.scalars(
                    select(ConversationRow)
                    .where(
                        ConversationRow.status == ConversationStatus.IN_PROGRESS.value,
                        or_(
                            ConversationRow.node_id.is_(None),
                            ConversationRow.node_id.not_in(live_nodes),
                        ),
                        ~unfinished.exists(),
                    )
                    .order_by(ConversationRow.created_at)
                )
            )
            return [convert.conversation(r, []) for r in rows]

    async def adopt_with_job(
        self, conversation: Conversation, kind: str, metadata: dict[str, Any]
    ) -> Job | None:
        """Take over an orphaned conversation for this node: note ``metadata`` and store a
        ``kind`` job to finish it, in one transaction, only if no other node took it first
        (None then)."""
        async with self._sessions() as s:
            row = await s.get(ConversationRow, conversation.id, with_for_update=True)
            if (
                row is None
                or row.node_id != conversation.node_id
                or row.status != ConversationStatus.IN_PROGRESS.value
            ):
                await s.rollback()
                return None
            row.node_id = self._repo.node_id
            row.metadata_ = {**row.metadata_, **metadata}
            job = convert.job_row(row.app_id, row.id, kind, {})
            s.add(job)
            await s.commit()
            return convert.job(job)


__all__ = ["Claims"]
