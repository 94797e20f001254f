"""The write stage of the live chain: store each message, find its insights, publish both;
at the end, complete the conversation.

A batch is stored in one transaction that runs to its end even if the session is cancelled
meanwhile (:meth:`MessageWriter.keep` awaits it), so a batch is never half-stored or stored
twice. Answers that take a request on revise the request's item, which goes out again with
its id (see :mod:`callscribe.insights.pairing`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from callscribe.conversation.analyzer import ConversationAnalyzer, Revision, revise
from callscribe.conversation.ingest import from_assembled
from callscribe.events import live as ev
from callscribe.insights.records import MessageAnalysis, Topic
from callscribe.log import get_logger
from callscribe.pipeline.assembly import Assembled
from callscribe.pipeline.deps import LiveDeps
from callscribe.pipeline.relabel import Stretch, plan, relabelled
from callscribe.records import Conversation, ConversationStatus, Message
from callscribe.storage import StoredInsight

log = get_logger(__name__)

TOPIC_EVERY_MESSAGES = 3

Publish = Callable[[ev.LiveEvent], Awaitable[None]]


class MessageWriter:
    """Stores, analyses and publishes one conversation's messages; completes it."""

    def __init__(
        self,
        deps: LiveDeps,
        conversation: Conversation,
        insight_types: frozenset[str],
        publish: Publish,
    ) -> None:
        self.deps = deps
        self.conversation = conversation
        self.insight_types = insight_types
        self._publish = publish
        self._analyzer: ConversationAnalyzer | None = None
        self._sequence = 0
        self._messages: list[Message] = []
        self._analyses: list[MessageAnalysis] = []
        self._storing: asyncio.Task[list[Message]] | None = None
        self._unanalysed: list[Message] = []
        self._last_topics: tuple[Topic, ...] = ()

    async def start(self) -> None:
        self._analyzer = await self.deps.processor.analyzer_for(self.conversation)

    async def write(self, batch: list[Assembled]) -> None:
        """Store a batch of messages, publish them, then their insights."""
        self._storing = asyncio.ensure_future(self._store(batch))
        stored = await asyncio.shield(self._storing)
        self._storing = None
        await self._publish(
            ev.MessagesStored(tuple(stored), self.conversation.start_time, self._next())
        )
        await self._analyze(stored)

    async def keep(self, batch: Sequence[Assembled]) -> None:
        """After cancellation: finish the store under way, store ``batch``, and analyse what
        is stored but not yet analysed."""
        if self._storing is not None:
            await self._storing
        if batch:
            await self._store(list(batch))
        if self._unanalysed and self._analyzer is not None:
            await self._analyze(self._unanalysed)

    async def _store(self, batch: list[Assembled]) -> list[Message]:
        origin = self.conversation.start_time
        new = [from_assembled(a, origin) for a in batch]
        stored = await self.deps.repository.add_messages(self.conversation.id, new)
        self._messages.extend(stored)
        self._unanalysed += stored
        return stored

    async def _analyze(self, messages: list[Message]) -> None:
        assert self._analyzer is not None
        members = await self.deps.repository.list_members(self.conversation.id)
        self._analyzer.with_members(members)
        analyses = await self._analyzer.analyze(messages)
        self._analyses.extend(analyses)
        stored = await self.deps.insights.save_analyses(self.conversation.id, analyses)
        stored += await self._revise(self._analyzer.take_revisions())
        self._unanalysed = [m for m in self._unanalysed if m not in messages]
        wanted = tuple(i for i in stored if i.insight.type in self.insight_types)
        if wanted:
            await self._publish(ev.InsightsFound(wanted, tuple(members), self._next()))
            if self.deps.on_insights is not None:  # webhooks: insight.created
                await self.deps.on_insights(self.conversation, wanted, members)
        hits = tuple(
            ev.TrackerHit(msg, match)
            for msg, analysis in zip(messages, analyses, strict=True)
            for match in analysis.tracker_matches
        )
        if hits:
            await self._publish(ev.TrackersMatched(hits, self._next()))
        before = len(self._messages) - len(messages)
        if len(self._messages) // TOPIC_EVERY_MESSAGES > before // TOPIC_EVERY_MESSAGES:
            await self._publish_topics()

    async def _revise(self, revisions: list[Revision]) -> list[StoredInsight]:
        """Store items that answers revised (a request someone took on)."""
        revise(self._analyses, revisions)
        out: list[StoredInsight] = []
        for r in revisions:
            item = await self.deps.insights.revise(
                self.conversation.id, r.message_id, r.before, r.after
            )
            if item is not None:
                out.append(item)
        return out

    async def _publish_topics(self) -> None:
        assert self._analyzer is not None
        topics = tuple(await self._analyzer.current_topics())
        if topics and topics != self._last_topics:
            self._last_topics = topics
            await self._publish(ev.TopicsChanged(topics, self._next()))

    def _next(self) -> int:
        self._sequence += 1
        return self._sequence - 1

    async def relabel(self, stretches: Sequence[Stretch]) -> None:
        """Messages known only by a voice take the speakers of the second pass over the
        voices (:mod:`.relabel`), stored and in the records the completion reads."""
        if not stretches or not self._messages:
            return
        change = plan(self._messages, self.conversation.start_time, stretches)
        if not change.speakers:
            return
        stored = await self.deps.repository.relabel_messages(
            self.conversation.id,
            change.speakers,
            everywhere=change.everywhere,
            by_message=change.by_message,
        )
        self._messages = [
            replace(m, member=stored[m.id].member) if m.id in stored else m for m in self._messages
        ]
        self._analyses = [relabelled(a, change.names_for(a.message_id)) for a in self._analyses]
        log.info(
            "speakers relabelled by the second pass",
            messages=len(stored),
            renamed=change.everywhere,
        )

    async def complete(self, stream_seconds: float) -> None:
        """Store the conversation-level results and mark the conversation completed."""
        conv = self.conversation
        try:
            if self._analyzer is not None:
                await self._publish_topics()
                end = conv.start_time + timedelta(seconds=stream_seconds)
                await self.deps.processor.complete(
                    conv, self._analyzer, self._messages, self._analyses, end=end
                )
                return
            await self.deps.repository.finish_conversation(
                conv.id, ConversationStatus.COMPLETED, datetime.now(UTC)
            )
            if self.deps.processor.on_completed is not None:  # e-mails, webhooks
                await self.deps.processor.on_completed(conv)
        finally:
            # Ended sessions stay queryable (call status) for a while: keep them light.
            self._messages, self._analyses, self._analyzer = [], [], None


__all__ = ["TOPIC_EVERY_MESSAGES", "MessageWriter"]
