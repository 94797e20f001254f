"""The repository: every read and write of conversations, messages, members, apps and jobs.

Callers never see ORM rows; they get the records of :mod:`callscribe.records`. Each public method
is one transaction, committed before it returns, so whatever a caller was told is stored is on
disk. Access checks are part of the queries: a conversation of another app is simply not found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callscribe.errors import NotFound
from callscribe.records import (
    App,
    Conversation,
    ConversationStatus,
    Job,
    JobStatus,
    Member,
    Message,
    NewMessage,
    Speaker,
    new_numeric_id,
    new_uuid,
    unnamed_voice,
)
from callscribe.storage import convert
from callscribe.storage.claims import Claims
from callscribe.storage.tables import (
    AppRow,
    ConversationDocumentRow,
    ConversationRow,
    InsightRow,
    JobRow,
    MemberRow,
    MessageAnalysisRow,
    MessageRow,
    RecordingRow,
    ServerKey,
    TrackerRow,
    utcnow,
)


class Repository:
    """SQL implementation over SQLite or PostgreSQL (the same code; the URL decides)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.node_id: str | None = None
        """The node this process is: conversations it creates are its own until it stops
        (then a live node finishes those it left in progress)."""
        self.claims = Claims(sessions, self)
        """What nodes claim: jobs, and conversations dead nodes left."""
        # Striped locks: appends to one conversation are serialised without a lock per id.
        self._append_locks = [asyncio.Lock() for _ in range(64)]

    # --- server keys ---------------------------------------------------------------------------

    async def get_or_create_key(self, name: str, candidate: str) -> str:
        """The stored key ``name``, storing ``candidate`` if there is none (first writer wins)."""
        async with self._sessions() as s:
            row = await s.get(ServerKey, name)
            if row is not None:
                return row.value
            s.add(ServerKey(name=name, value=candidate))
            try:
                await s.commit()
            except IntegrityError:
                await s.rollback()
                row = await s.get(ServerKey, name)
                assert row is not None  # another process inserted it between our read and write
                return row.value
            return candidate

    # --- apps ------------------------------------------------------------------------------------

    async def create_app(self, app_id: str, name: str, secret_hash: str) -> App:
        async with self._sessions() as s:
            row = AppRow(id=app_id, name=name, secret_hash=secret_hash, created_at=utcnow())
            s.add(row)
            await s.commit()
            return App(id=row.id, name=row.name, created_at=row.created_at)

    async def app_secret_hash(self, app_id: str) -> str | None:
        async with self._sessions() as s:
            result: str | None = await s.scalar(
                select(AppRow.secret_hash).where(AppRow.id == app_id)
            )
            return result

    async def app_exists(self, app_id: str) -> bool:
        async with self._sessions() as s:
            return await s.scalar(select(AppRow.id).where(AppRow.id == app_id)) is not None

    async def list_apps(self) -> list[App]:
        async with self._sessions() as s:
            rows = await s.scalars(select(AppRow).order_by(AppRow.created_at))
            return [App(id=r.id, name=r.name, created_at=r.created_at) for r in rows]

    async def delete_app(self, app_id: str) -> None:
        """Delete an app and everything it owns."""
        async with self._sessions() as s:
            conv_ids = select(ConversationRow.id).where(ConversationRow.app_id == app_id)
            await self._delete_conversations(s, conv_ids)
            await s.execute(delete(TrackerRow).where(TrackerRow.app_id == app_id))
            result = await s.execute(delete(AppRow).where(AppRow.id == app_id))
            if getattr(result, "rowcount", 0) == 0:
                raise NotFound(f"no app with id {app_id}")
            await s.commit()

    # --- conversations -------------------------------------------------------------------------

    async def create_conversation(
        self,
        *,
        app_id: str,
        name: str,
        source: str,
        start_time: datetime,
        timezone: str = "UTC",
        settings: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Conversation:
        async with self._sessions() as s:
            row = convert.conversation_row(
                app_id, name, source, start_time, timezone, settings or {}, metadata or {}
            )
            row.node_id = self.node_id
            s.add(row)
            await s.commit()
            return convert.conversation(row, [])

    async def create_with_job(
        self,
        *,
        app_id: str,
        name: str,
        source: str,
        start_time: datetime,
        timezone: str,
        settings: dict[str, Any],
        messages: Sequence[NewMessage],
        kind: str,
        params: dict[str, Any],
    ) -> tuple[Conversation, Job]:
        """A conversation, its messages and the job that will analyse them, in one transaction:
        a crash leaves all of them or none (never a conversation no job will finish)."""
        async with self._sessions() as s:
            row = convert.conversation_row(app_id, name, source, start_time, timezone, settings, {})
            row.node_id = self.node_id
            s.add(row)
            await s.flush()
            self._stage_messages(s, row.id, messages, 1, {})
            job = convert.job_row(app_id, row.id, kind, params)
            s.add(job)
            await s.commit()
            return convert.conversation(row, []), convert.job(job)

    async def get_conversation(self, app_id: str, conversation_id: str) -> Conversation:
        """The conversation if it belongs to ``app_id``; ``NotFound`` otherwise."""
        async with self._sessions() as s:
            row = await self._owned(s, app_id, conversation_id)
            members = await s.scalars(
                select(MemberRow)
                .where(MemberRow.conversation_id == row.id)
                .order_by(MemberRow.name)
            )
            return convert.conversation(row, [convert.member(m) for m in members])

    async def list_conversations(
        self, app_id: str, *, limit: int = 100, offset: int = 0
    ) -> list[Conversation]:
        async with self._sessions() as s:
            rows = list(
                await s.scalars(
                    select(ConversationRow)
                    .where(ConversationRow.app_id == app_id)
                    .order_by(ConversationRow.created_at.desc(), ConversationRow.id)
                    .limit(limit)
                    .offset(offset)
                )
            )
            by_conv: dict[str, list[Member]] = {r.id: [] for r in rows}
            if rows:
                members = await s.scalars(
                    select(MemberRow)
                    .where(MemberRow.conversation_id.in_(by_conv))
                    .order_by(MemberRow.name)
                )
                for m in members:
                    by_conv[m.conversation_id].append(convert.member(m))
            return [convert.conversation(r, by_conv[r.id]) for r in rows]

    async def finish_conversation(
        self, conversation_id: str, status: ConversationStatus, end_time: datetime
    ) -> None:
        async with self._sessions() as s:
            await s.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(status=status.value, end_time=end_time, updated_at=utcnow())
            )
            await s.commit()

    async def reopen_conversation(self, conversation_id: str) -> None:
        """Mark a conversation in progress again (messages are being appended)."""
        async with self._sessions() as s:
            await s.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(status=ConversationStatus.IN_PROGRESS.value, updated_at=utcnow())
            )
            await s.commit()

    async def update_conversation_metadata(
        self, conversation_id: str, changes: dict[str, Any]
    ) -> None:
        """Merge ``changes`` into the conversation's metadata."""
        async with self._sessions() as s:
            row = await s.get(ConversationRow, conversation_id)
            if row is None:
                raise NotFound(f"no conversation with id {conversation_id}")
            row.metadata_ = {**row.metadata_, **changes}
            await s.commit()

    async def revoke_links(self, app_id: str, conversation_id: str) -> Conversation:
        """Every summary link made so far stops working (the epoch they signed moves on);
        returns the conversation as it now is, for making new links."""
        async with self._sessions() as s:
            await self._owned(s, app_id, conversation_id)
            await s.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(link_epoch=ConversationRow.link_epoch + 1)
            )
            await s.commit()
        return await self.get_conversation(app_id, conversation_id)

    async def delete_conversation(self, app_id: str, conversation_id: str) -> None:
        async with self._sessions() as s:
            await self._owned(s, app_id, conversation_id)
            await self._delete_conversations(
                s, select(ConversationRow.id).where(ConversationRow.id == conversation_id)
            )
            await s.commit()

    @staticmethod
    async def _delete_conversations(s: AsyncSession, ids: Any) -> None:
        """Delete conversations and their children explicitly (SQLite may not cascade)."""
        id_list = list(await s.scalars(ids))
        if not id_list:
            return
        for table in (
            InsightRow,
            MessageAnalysisRow,
            ConversationDocumentRow,
            MessageRow,
            JobRow,
            MemberRow,
            RecordingRow,
        ):
            await s.execute(delete(table).where(table.conversation_id.in_(id_list)))
        await s.execute(delete(ConversationRow).where(ConversationRow.id.in_(id_list)))

    @staticmethod
    async def _owned(s: AsyncSession, app_id: str, conversation_id: str) -> ConversationRow:
        row = await s.get(ConversationRow, conversation_id)
        if row is None or row.app_id != app_id:
            raise NotFound(f"conversation {conversation_id} not found")
        return row

    # --- members ---------------------------------------------------------------------------------

    async def list_members(self, conversation_id: str) -> list[Member]:
        async with self._sessions() as s:
            rows = await s.scalars(
                select(MemberRow)
                .where(MemberRow.conversation_id == conversation_id)
                .order_by(MemberRow.name)
            )
            return [convert.member(r) for r in rows]

    async def update_member(
        self,
        app_id: str,
        conversation_id: str,
        member_id: str,
        *,
        name: str | None,
        email: str | None,
    ) -> Member:
        """Rename (or re-address) a member; messages refer to members, so they follow, and
        insights that name the member as speaker or assignee are renamed with them."""
        async with self._sessions() as s:
            await self._owned(s, app_id, conversation_id)
            row = await s.get(MemberRow, member_id)
            if row is None or row.conversation_id != conversation_id:
                raise NotFound(f"member {member_id} not found in conversation {conversation_id}")
            if name is not None and name != row.name:
                await self._rename_in_insights(s, conversation_id, {row.name: name})
                row.name = name
            if email is not None:
                row.email = email
                row.user_id = email
            await s.commit()
            return convert.member(row)

    @staticmethod
    async def _rename_in_insights(
        s: AsyncSession,
        conversation_id: str,
        everywhere: Mapping[str, str],
        by_message: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Rename people in stored insights and analyses: ``everywhere``, and in those of a
        message also by ``by_message[message id]`` (which wins)."""
        by_message = by_message or {}
        insights = await s.scalars(
            select(InsightRow).where(InsightRow.conversation_id == conversation_id)
        )
        analyses = await s.scalars(
            select(MessageAnalysisRow).where(MessageAnalysisRow.conversation_id == conversation_id)
        )
        for item in [*insights, *analyses]:
            names = {**everywhere, **by_message.get(item.message_id, {})}
            data = convert.renamed(item.data, names) if names else item.data
            if data != item.data:
                item.data = data

    async def relabel_messages(
        self,
        conversation_id: str,
        speakers: Mapping[str, Speaker],
        *,
        everywhere: Mapping[str, str],
        by_message: Mapping[str, Mapping[str, str]],
    ) -> dict[str, Message]:
        """Give messages new speakers (message id -> speaker) in one transaction: members are
        created as needed and unnamed voices ("Speaker N") left without a message removed;
        people in insights are renamed ``everywhere`` and, for a message's own insights, by
        ``by_message``. Returns the relabelled messages by id."""
        async with self._sessions() as s:
            members = {
                convert.speaker_key(m.user_id, m.name): m
                for m in await s.scalars(
                    select(MemberRow).where(MemberRow.conversation_id == conversation_id)
                )
            }
            rows = await s.scalars(
                select(MessageRow).where(
                    MessageRow.conversation_id == conversation_id,
                    MessageRow.id.in_(list(speakers)),
                )
            )
            out: dict[str, Message] = {}
            for row in rows:
                member = self._resolve_member(s, conversation_id, members, speakers[row.id])
                row.member_id = member.id if member else None
                out[row.id] = convert.message(row, member)
            await s.flush()
            used = set(
                await s.scalars(
                    select(MessageRow.member_id)
                    .where(MessageRow.conversation_id == conversation_id)
                    .distinct()
                )
            )
            for member in members.values():
                if member.id not in used and unnamed_voice(member.name):
                    await s.delete(member)
            await self._rename_in_insights(s, conversation_id, everywhere, by_message)
            await s.commit()
            return out

    # --- messages --------------------------------------------------------------------------------

    async def add_messages(
        self, conversation_id: str, messages: Sequence[NewMessage]
    ) -> list[Message]:
        """Append messages in order, creating members for new speakers; committed on return.

        Appends to one conversation are serialised: by a lock within this process, and by a
        row lock on the conversation (PostgreSQL) between processes.
        """
        lock = self._append_locks[hash(conversation_id) % len(self._append_locks)]
        async with lock:
            for attempt in range(3):
                try:
                    return await self._add_messages(conversation_id, messages)
                except IntegrityError:
                    # Another process (SQLite has no row locks) took the same numbers.
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

    async def _add_messages(
        self, conversation_id: str, messages: Sequence[NewMessage]
    ) -> list[Message]:
        async with self._sessions() as s:
            await s.execute(
                select(ConversationRow.id)
                .where(ConversationRow.id == conversation_id)
                .with_for_update()
            )
            next_seq = (
                await s.scalar(
                    select(func.coalesce(func.max(MessageRow.seq), 0)).where(
                        MessageRow.conversation_id == conversation_id
                    )
                )
                or 0
            ) + 1
            members = {
                convert.speaker_key(m.user_id, m.name): m
                for m in await s.scalars(
                    select(MemberRow).where(MemberRow.conversation_id == conversation_id)
                )
            }
            out = self._stage_messages(s, conversation_id, messages, next_seq, members)
            await s.commit()
            return out

    def _stage_messages(
        self,
        s: AsyncSession,
        conversation_id: str,
        messages: Sequence[NewMessage],
        next_seq: int,
        members: dict[str, MemberRow],
    ) -> list[Message]:
        out: list[Message] = []
        for offset, new in enumerate(messages):
            member = self._resolve_member(s, conversation_id, members, new.speaker)
            row = MessageRow(
                id=new_numeric_id(),
                conversation_id=conversation_id,
                seq=next_seq + offset,
                member_id=member.id if member else None,
                text=new.text,
                start_time=new.start,
                end_time=new.end,
                words=[convert.word_json(w) for w in new.words],
                confidence=new.confidence,
            )
            s.add(row)
            out.append(convert.message(row, member))
        return out

    @staticmethod
    def _resolve_member(
        s: AsyncSession, conversation_id: str, members: dict[str, MemberRow], speaker: Speaker
    ) -> MemberRow | None:
        key = convert.speaker_key(speaker.user_id, speaker.name)
        if not key:
            return None
        row = members.get(key)
        if row is None:
            row = MemberRow(
                id=new_uuid(),
                conversation_id=conversation_id,
                name=speaker.display_name,
                email=speaker.email,
                user_id=speaker.user_id,
            )
            s.add(row)
            members[key] = row
        return row

    async def list_messages(self, conversation_id: str) -> list[Message]:
        async with self._sessions() as s:
            result = await s.execute(
                select(MessageRow, MemberRow)
                .outerjoin(MemberRow, MessageRow.member_id == MemberRow.id)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.seq)
            )
            return [convert.message(msg, member) for msg, member in result]

    # --- jobs ------------------------------------------------------------------------------------

    async def create_job(
        self,
        app_id: str,
        conversation_id: str,
        kind: str,
        params: dict[str, Any] | None = None,
        *,
        job_id: str | None = None,
        node_affinity: str | None = None,
    ) -> Job:
        """``node_affinity``: only the node of that name may run it (its input is on that
        node's disk)."""
        async with self._sessions() as s:
            row = convert.job_row(app_id, conversation_id, kind, params or {}, job_id)
            row.node_affinity = node_affinity
            s.add(row)
            await s.commit()
            return convert.job(row)

    async def get_job(self, app_id: str, job_id: str) -> Job:
        async with self._sessions() as s:
            row = await s.get(JobRow, job_id)
            if row is None or row.app_id != app_id:
                raise NotFound(f"job {job_id} not found")
            return convert.job(row)

    async def set_job_status(
        self, job_id: str, status: JobStatus, error: str | None = None, *, node: str | None = None
    ) -> bool:
        """``node``: only while that node's claim holds (a node whose lease lapsed and was
        taken over must not overwrite the other's result); False when it did not."""
        query = update(JobRow).where(JobRow.id == job_id)
        if node is not None:
            query = query.where(JobRow.claimed_by == node)
        values: dict[str, Any] = {"status": status.value, "error": error, "updated_at": utcnow()}
        if status is not JobStatus.IN_PROGRESS:
            values["lease_until"] = None
        async with self._sessions() as s:
            done = await s.execute(query.values(**values))
            await s.commit()
            return bool(getattr(done, "rowcount", 1))

    async def find_call(self, app_id: str, connection_id: str) -> Conversation | None:
        """The phone call conversation of ``app_id`` that ``connection_id`` dialled, if any
        (what is known of a call once no process holds it: after a restart)."""
        async with self._sessions() as s:
            row = await s.scalar(
                select(ConversationRow)
                .where(
                    ConversationRow.app_id == app_id,
                    ConversationRow.source == "telephony",
                    ConversationRow.settings["connectionId"].as_string() == connection_id,
                )
                .order_by(ConversationRow.created_at.desc())
                .limit(1)
            )
            return None if row is None else convert.conversation(row, [])

    async def fail_job(
        self, job_id: str, conversation_id: str, error: str, *, node: str | None = None
    ) -> bool:
        """Fail a job and, in the same transaction, the conversation it was to produce: it
        ends ``failed`` with the job's error in its metadata, never ``in_progress`` forever.
        ``node``: only while that node's claim holds; False when it did not."""
        query = update(JobRow).where(JobRow.id == job_id)
        if node is not None:
            query = query.where(JobRow.claimed_by == node)
        async with self._sessions() as s:
            now = utcnow()
            failed = await s.execute(
                query.values(
                    status=JobStatus.FAILED.value, error=error, updated_at=now, lease_until=None
                )
            )
            if not getattr(failed, "rowcount", 1):
                await s.rollback()
                return False
            row = await s.get(ConversationRow, conversation_id)
            if row is not None:
                row.status = ConversationStatus.FAILED.value
                row.end_time = row.end_time or now
                row.updated_at = now
                row.metadata_ = {**row.metadata_, "error": {"jobId": job_id, "message": error}}
            await s.commit()
            return True

    async def unfinished_jobs(self) -> list[Job]:
        """Jobs a previous process accepted but did not finish (resumed at start-up)."""
        async with self._sessions() as s:
            rows = await s.scalars(
                select(JobRow)
                .where(JobRow.status.in_([JobStatus.SCHEDULED.value, JobStatus.IN_PROGRESS.value]))
                .order_by(JobRow.created_at)
            )
            return [convert.job(r) for r in rows]


__all__ = ["Repository"]
