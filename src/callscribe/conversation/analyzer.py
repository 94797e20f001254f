"""The insight state of one conversation: analyses messages as they arrive, keeps topics.

Both the background job (a whole text conversation at once) and a live source (one final
message at a time) drive the same object, so a live call and an upload give the same
insights. NLP runs on one dedicated worker thread shared by every conversation of the
process: it keeps the event loop free and caps NLP at one core, leaving the other to calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from callscribe.insights import (
    ConversationContext,
    CustomEntity,
    InsightEngine,
    MessageAnalysis,
    MessageInput,
    Person,
    Tracker,
)
from callscribe.insights.analytics import compute_analytics
from callscribe.insights.model import Analytics, SummaryItem, Topic
from callscribe.insights.summary import LLMEndpoint, summarize
from callscribe.insights.topics import TopicTracker
from callscribe.model import Conversation, Member, Message

T = TypeVar("T")


class NlpWorker:
    """One thread for all NLP of the process; ``run`` awaits a function executed there."""

    def __init__(self, engine: InsightEngine | None = None) -> None:
        self.engine = engine or InsightEngine()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def warm_up(self) -> None:
        await self.run(self.engine.warm_up)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def person(member: Member | None) -> Person:
    if member is None:
        return Person(name="Unknown")
    return Person(name=member.name, user_id=member.user_id, email=member.email)


def message_input(message: Message) -> MessageInput:
    return MessageInput(
        id=message.id,
        text=message.text,
        speaker=person(message.member),
        start=message.start,
        end=message.end,
    )


def context_for(conversation: Conversation, members: Sequence[Member] = ()) -> ConversationContext:
    """The extractors' view of a conversation: its start, timezone, people and vocabularies."""
    settings = conversation.settings
    trackers = tuple(
        Tracker(name=t["name"], vocabulary=tuple(t.get("vocabulary", ())))
        for t in settings.get("trackers", [])
    )
    custom = tuple(
        CustomEntity(
            type=e.get("type", "custom"),
            value=e["value"],
            synonyms=tuple(e.get("synonyms", ())),
        )
        for e in settings.get("entities", [])
        if e.get("value")
    )
    return ConversationContext(
        start=conversation.start_time,
        timezone=conversation.timezone,
        members=tuple(person(m) for m in (members or conversation.members)),
        trackers=trackers,
        custom_entities=custom,
    )


@dataclass
class ConversationAnalyzer:
    """Per-conversation state: the context, the topic tracker, and the analyses so far."""

    worker: NlpWorker
    context: ConversationContext
    topics: TopicTracker
    # Who spoke last, and who spoke before them: "you" in a message usually means the latter.
    _last: Person | None = None
    _before_last: Person | None = None

    @classmethod
    def create(cls, worker: NlpWorker, context: ConversationContext) -> ConversationAnalyzer:
        return cls(worker, context, TopicTracker())

    def with_members(self, members: Sequence[Member]) -> None:
        """Learn about new members (a new speaker joined), for assignees and entities."""
        known = {p.name for p in self.context.members}
        new = tuple(person(m) for m in members if m.name not in known)
        if new:
            self.context = ConversationContext(
                start=self.context.start,
                timezone=self.context.timezone,
                members=self.context.members + new,
                trackers=self.context.trackers,
                custom_entities=self.context.custom_entities,
            )

    async def analyze(self, messages: Sequence[Message]) -> list[MessageAnalysis]:
        """Analyse messages (in order) off the event loop and feed the topic tracker."""
        inputs = [message_input(m) for m in messages]
        context = self.context
        engine = self.worker.engine
        fresh = self._last is None

        def work() -> list[MessageAnalysis]:
            if fresh and len(inputs) > 1:  # a whole conversation: batched is cheaper
                analyses = engine.analyze_many(inputs, context)
                for item in inputs:
                    self._heard(item.speaker)
            else:
                analyses = []
                for item in inputs:
                    previous = self._last if self._last != item.speaker else self._before_last
                    analyses.append(engine.analyze(item, context, previous_speaker=previous))
                    self._heard(item.speaker)
            for item, analysis in zip(inputs, analyses, strict=True):
                self.topics.add(item, analysis)
            return analyses

        return await self.worker.run(work)

    def _heard(self, speaker: Person) -> None:
        if speaker != self._last:
            self._before_last, self._last = self._last, speaker

    async def current_topics(self) -> list[Topic]:
        return await self.worker.run(self.topics.topics)

    async def results(
        self,
        messages: Sequence[Message],
        analyses: Sequence[MessageAnalysis],
        *,
        start: datetime,
        end: datetime,
        endpoint: LLMEndpoint | None = None,
    ) -> ConversationResults:
        """The conversation-level results: topics, summary and talk-time analytics."""
        inputs = [message_input(m) for m in messages]
        topics = await self.current_topics()
        summary = await self.worker.run(lambda: summarize(inputs, analyses, endpoint=endpoint))
        analytics = compute_analytics(inputs, start=start, end=end)
        return ConversationResults(tuple(topics), tuple(summary), analytics)


@dataclass(frozen=True)
class ConversationResults:
    topics: tuple[Topic, ...]
    summary: tuple[SummaryItem, ...]
    analytics: Analytics
