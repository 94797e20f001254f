"""The insight state of one conversation: analyses messages as they arrive, keeps topics.

Both the background job (a whole text conversation at once) and a live source (one final
message at a time) drive the same object, so a live call and an upload give the same
insights. It remembers the requests of the last few messages, so an answer that takes one on
("Sure, I will") revises that request's item instead of adding a second one
(:mod:`callscribe.insights.pairing`); revisions of items already handed out are collected for
the caller to store (:meth:`ConversationAnalyzer.take_revisions`). NLP runs on one dedicated
worker thread shared by every conversation of the process: it keeps the event loop free and
caps NLP at one core, leaving the other to calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from callscribe.insights import (
    ConversationContext,
    CustomEntity,
    InsightEngine,
    MessageAnalysis,
    MessageInput,
    Person,
    Tracker,
    pairing,
)
from callscribe.insights.analytics import compute_analytics
from callscribe.insights.duedate import find_due_date, parse_timezone
from callscribe.insights.loaders import Encoder
from callscribe.insights.records import (
    Analytics,
    DueDate,
    Insight,
    Sentiment,
    SummaryItem,
    Topic,
)
from callscribe.insights.summary import LLMEndpoint, summarize
from callscribe.insights.topics import TopicTracker
from callscribe.insights.trackers import match_trackers
from callscribe.records import Conversation, Member, Message

T = TypeVar("T")


class Engine(Protocol):
    """The per-message extractors (:class:`InsightEngine`; a test's stand-in)."""

    def analyze(
        self,
        message: MessageInput,
        context: ConversationContext,
        *,
        previous_speaker: Person | None,
    ) -> MessageAnalysis: ...

    def analyze_many(
        self, messages: Sequence[MessageInput], context: ConversationContext
    ) -> list[MessageAnalysis]: ...

    def warm_up(self) -> None: ...


class NlpWorker:
    """One thread for all NLP of the process; ``run`` awaits a function executed there.

    ``engine`` and ``encoder`` (sentence embeddings for topics and the summary) default to the
    shipped models, loaded on first use."""

    def __init__(self, engine: Engine | None = None, encoder: Encoder | None = None) -> None:
        self.engine: Engine = engine or InsightEngine()
        self.encoder = encoder
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


@dataclass(frozen=True, slots=True)
class Revision:
    """An item handed out earlier, as it is now (same message; the store keeps its id)."""

    message_id: str
    before: Insight
    after: Insight


@dataclass
class ConversationAnalyzer:
    """Per-conversation state: the context, the topic tracker, and the analyses so far."""

    worker: NlpWorker
    context: ConversationContext
    topics: TopicTracker
    # Who spoke last, and who spoke before them: "you" in a message usually means the latter.
    _last: Person | None = None
    _before_last: Person | None = None
    _position: int = 0
    _requests: list[pairing.Request] = field(default_factory=list)
    _request_ids: dict[int, str] = field(default_factory=dict)
    _revisions: list[Revision] = field(default_factory=list)
    english: bool = True
    """The extractors read English: a conversation in another language gets only what does
    not depend on it (tracker phrases, analytics), not misread insights."""

    @classmethod
    def create(
        cls, worker: NlpWorker, context: ConversationContext, *, english: bool = True
    ) -> ConversationAnalyzer:
        return cls(worker, context, TopicTracker(worker.encoder), english=english)

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
        if not self.english:
            return [
                MessageAnalysis(
                    item.id, UNREAD, tracker_matches=match_trackers(item.text, context.trackers)
                )
                for item in inputs
            ]
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
            analyses = self._pair(inputs, analyses)
            for item, analysis in zip(inputs, analyses, strict=True):
                self.topics.add(item, analysis)
            return analyses

        return await self.worker.run(work)

    def _pair(
        self, inputs: Sequence[MessageInput], analyses: list[MessageAnalysis]
    ) -> list[MessageAnalysis]:
        """Apply acceptances: within this batch to the analyses returned, to earlier batches
        as revisions."""
        first = self._position
        out = list(analyses)
        for offset, item in enumerate(inputs):
            position = first + offset
            accepted = pairing.accept(
                position,
                item,
                out[offset],
                self._requests,
                self._due_of,
                members=self.context.members,
            )
            if accepted is not None:
                out[offset] = accepted.answer
                request, updated = accepted.request, accepted.updated
                self._requests.remove(request)
                if updated is None:
                    pass  # the request stays as it was: a proposal's question stays a question
                elif request.message >= first:
                    where = request.message - first
                    out[where] = _with(out[where], request.insight, updated)
                else:
                    message_id = self._request_ids[request.message]
                    self._revisions.append(Revision(message_id, request.insight, updated))
                    self._later(request.insight, updated)
            self._requests += pairing.requests_in(position, item, out[offset])
            self._request_ids[position] = item.id
            self._requests = [r for r in self._requests if position - r.message < pairing.WINDOW]
            self._request_ids = {
                p: i for p, i in self._request_ids.items() if position - p < pairing.WINDOW
            }
        self._position = first + len(inputs)
        return out

    def _due_of(self, text: str) -> DueDate | None:
        context = self.context
        return find_due_date(text, context.start, parse_timezone(context.timezone))

    def _later(self, before: Insight, after: Insight) -> None:
        """A revised request that is itself still open to answers keeps being answerable."""
        self._requests = [
            replace(r, insight=after) if r.insight == before else r for r in self._requests
        ]

    def take_revisions(self) -> list[Revision]:
        """Items handed out by earlier calls that answers have since revised."""
        revisions, self._revisions = self._revisions, []
        return revisions

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
        if not self.english:
            analytics = compute_analytics(inputs, start=start, end=end)
            return ConversationResults((), (), analytics)
        topics = await self.current_topics()
        encoder = self.worker.encoder
        summary = await self.worker.run(
            lambda: summarize(inputs, analyses, endpoint=endpoint, encoder=encoder)
        )
        analytics = compute_analytics(inputs, start=start, end=end)
        return ConversationResults(tuple(topics), tuple(summary), analytics)


UNREAD = Sentiment(0.0, "neutral")
"""The sentiment recorded for a message the extractors could not read (another language)."""


def conversation_is_english(conversation: Conversation) -> bool:
    """Spoken in English, or in languages detected per utterance (read as English)."""
    return conversation.settings.get("language", "en") in ("en", None)


def _with(analysis: MessageAnalysis, before: Insight, after: Insight) -> MessageAnalysis:
    insights = tuple(after if i == before else i for i in analysis.insights)
    return replace(analysis, insights=insights)


def revise(analyses: list[MessageAnalysis], revisions: Sequence[Revision]) -> None:
    """Apply revisions to a list of analyses kept by the caller (in place)."""
    for revision in revisions:
        for n, analysis in enumerate(analyses):
            if analysis.message_id == revision.message_id:
                analyses[n] = _with(analysis, revision.before, revision.after)


@dataclass(frozen=True)
class ConversationResults:
    topics: tuple[Topic, ...]
    summary: tuple[SummaryItem, ...]
    analytics: Analytics
