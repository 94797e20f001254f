"""A live conversation: PCM in; messages, insights and Symbl events out, while it runs.

One :class:`LiveSession` serves one audio source (a streaming socket, a phone call). The
transport calls :meth:`feed` with PCM and :meth:`end` when the source stops; :meth:`run`
(owned by the transport's task group) turns recogniser events into stored messages,
analyses each final message at once and publishes every event on the bus channel named by
the connection id. Whatever ends the source, everything recognised is kept and the
conversation is completed; a failure is published as an ``error`` event first.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callscribe.asr import Final, Interim, LiveRecognizer, RecognitionScheduler, SpeechStarted
from callscribe.asr.types import Transcript, confidence_of
from callscribe.asr.types import Word as AsrWord
from callscribe.conversation.analyzer import ConversationAnalyzer
from callscribe.conversation.ingest import from_transcript
from callscribe.conversation.processing import ConversationProcessor
from callscribe.errors import CallscribeError
from callscribe.events import EventBus
from callscribe.insights.model import MessageAnalysis
from callscribe.log import get_logger
from callscribe.model import Conversation, ConversationStatus, Message, Speaker
from callscribe.storage import InsightStore, Repository
from callscribe.symbl import events as ev
from callscribe.symbl.insights import Members, insight_event_json, topic_event_json

log = get_logger(__name__)

INSIGHT_TYPES = frozenset({"question", "action_item", "follow_up"})
TOPIC_EVERY_MESSAGES = 3


@dataclass(frozen=True)
class LiveDeps:
    """The long-lived parts a live session uses (built once per process by Services)."""

    repository: Repository
    insights: InsightStore
    processor: ConversationProcessor
    bus: EventBus
    scheduler: Callable[[], Any]  # async () -> RecognitionScheduler, started on first use
    summary_url: Callable[[Conversation], str | None] = lambda _c: None
    on_insights: Callable[[Conversation, list[dict[str, Any]]], Awaitable[None]] | None = None


@dataclass
class _SpeakerTimeline:
    """Who is speaking from which stream second on (from speaker events)."""

    times: list[float] = field(default_factory=list)
    speakers: list[Speaker | None] = field(default_factory=list)

    def set(self, at: float, speaker: Speaker | None) -> None:
        self.times.append(at)
        self.speakers.append(speaker)

    def at(self, t: float, default: Speaker | None, slack: float = 0.5) -> Speaker | None:
        # Speech belongs to whoever was announced up to a little after it began.
        i = bisect.bisect_right(self.times, t + slack) - 1
        return default if i < 0 else (self.speakers[i] or default)

    def split(
        self, transcript: Transcript, default: Speaker | None
    ) -> list[tuple[Transcript, Speaker | None]]:
        """The transcript cut where the announced speaker changes between its words."""
        if not self.times or len(transcript.words) < 2:
            return [(transcript, self.at(transcript.start, default))]
        parts: list[tuple[Transcript, Speaker | None]] = []
        words: list[AsrWord] = []
        current = self.at(transcript.words[0].start, default, slack=0.2)
        for word in transcript.words:
            speaker = self.at(word.start, default, slack=0.2)
            if words and speaker != current:
                parts.append((_part(words, transcript), current))
                words = []
            current = speaker
            words.append(word)
        parts.append((_part(words, transcript), current))
        return parts


def _part(words: list[AsrWord], whole: Transcript) -> Transcript:
    """A piece of an utterance: its words, their text and times, the utterance's confidence."""
    text = " ".join(w.word.strip() for w in words)
    return Transcript(
        text=text,
        words=tuple(words),
        confidence=confidence_of(words) if words else whole.confidence,
        start=words[0].start,
        end=words[-1].end,
    )


class LiveSession:
    def __init__(
        self,
        deps: LiveDeps,
        conversation: Conversation,
        connection_id: str,
        *,
        sample_rate: int,
        channels: int = 1,
        speaker: Speaker | None = None,
        insight_types: Sequence[str] = tuple(INSIGHT_TYPES),
    ) -> None:
        self.deps = deps
        self.conversation = conversation
        self.connection_id = connection_id
        self.sample_rate = sample_rate
        self.channels = channels
        self.default_speaker = speaker
        self.insight_types = frozenset(insight_types) & INSIGHT_TYPES
        self._timeline = _SpeakerTimeline()
        self._live: LiveRecognizer | None = None
        self._ready = asyncio.Event()
        self._ended = False
        self._sequence = 0
        self._messages: list[Message] = []
        self._analyses: list[MessageAnalysis] = []
        self._analyzer: ConversationAnalyzer | None = None
        self._last_topics: list[Any] = []
        self.completed = asyncio.Event()
        self.error: str | None = None

    # --- transport side ---------------------------------------------------------------------

    @property
    def channel(self) -> str:
        return self.connection_id

    def feed(self, pcm: NDArray[np.int16] | NDArray[np.float32]) -> None:
        """Audio from the source (interleaved at the declared rate); dropped after :meth:`end`."""
        if self._ended or self._live is None:
            return
        self._live.feed(pcm)

    @property
    def ready(self) -> bool:
        """True once the recogniser is loaded and audio is being accepted."""
        return self._live is not None

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def end(self) -> None:
        """The source stopped: what is being said becomes final, then the session completes."""
        if self._ended:
            return
        self._ended = True
        if self._live is not None:
            self._live.end()
        self._ready.set()

    def set_speaker(self, speaker: Speaker | None) -> None:
        """Attribute speech from now on to ``speaker`` (a speaker event); None: unknown."""
        self._timeline.set(self.stream_time, speaker)

    @property
    def speaking(self) -> bool:
        """Someone is speaking right now (voice activity, not just sound)."""
        return self._live.speaking if self._live is not None else False

    @property
    def stream_time(self) -> float:
        return self._live.stream_time if self._live is not None else 0.0

    def silence_for(self) -> float:
        """Seconds since speech was last heard (music and tones are not speech)."""
        return self._live.silence_for() if self._live is not None else 0.0

    # --- the session's own work -------------------------------------------------------------

    async def run(self) -> None:
        """Recognise until :meth:`end`, then complete the conversation. Never raises for a
        recogniser or storage failure: it publishes an ``error`` event and completes."""
        try:
            scheduler: RecognitionScheduler = await self.deps.scheduler()
            self._analyzer = await self.deps.processor.analyzer_for(self.conversation)
            self._live = LiveRecognizer(
                scheduler,
                self.connection_id,
                sample_rate=self.sample_rate,
                channels=self.channels,
            )
            if self._ended:
                self._live.end()
            self._ready.set()
            async for event in self._live.events():
                await self._handle(event)
        except asyncio.CancelledError:
            self._ended = True
            await asyncio.shield(self._complete())
            raise
        except CallscribeError as exc:
            await self.fail("recognition_failed", exc.message)
        except Exception as exc:
            log.exception("live session failed")
            await self.fail("internal_error", f"internal error: {type(exc).__name__}")
        self._ended = True
        self._ready.set()
        await self._complete()

    async def fail(self, reason: str, message: str) -> None:
        """Publish an ``error`` event naming why; the session still completes."""
        self.error = message
        await self.publish(ev.error_event(reason, message))

    async def publish(self, event: dict[str, Any]) -> None:
        await self.deps.bus.publish(self.channel, event)

    def _next(self) -> int:
        self._sequence += 1
        return self._sequence - 1

    def _user(self, at: float) -> dict[str, Any]:
        speaker = self._timeline.at(at, self.default_speaker)
        if speaker is None:
            return {}
        return {"userId": speaker.user_id, "name": speaker.name}

    async def _handle(self, event: SpeechStarted | Interim | Final) -> None:
        if isinstance(event, SpeechStarted):
            return
        if isinstance(event, Interim):
            user = self._user(event.start)
            await self.publish(
                ev.recognition_result(
                    text=event.text,
                    is_final=False,
                    stream_start=event.start,
                    stream_end=event.end,
                    user=user,
                )
            )
            await self.publish(ev.transcript_response(event.text, False, user))
            return
        transcript = event.transcript
        if transcript.empty:
            return
        user = self._user(event.start)
        await self.publish(
            ev.recognition_result(
                text=transcript.text,
                is_final=True,
                stream_start=transcript.start,
                stream_end=transcript.end,
                words=[(w.word, w.start, w.end) for w in transcript.words],
                confidence=transcript.confidence,
                user=user,
            )
        )
        await self.publish(ev.transcript_response(transcript.text, True, user))
        await self._store(event)

    async def _store(self, final: Final) -> None:
        """Store an utterance as one message, or one per speaker when speaker events say the
        floor changed hands mid-utterance (the words' times tell who said which)."""
        origin = self.conversation.start_time
        t = final.transcript
        if not t.words:  # engines without word times: the utterance's own bounds
            t = replace(t, start=final.start, end=final.end)
        new = [
            from_transcript(part, origin, speaker)
            for part, speaker in self._timeline.split(t, self.default_speaker)
        ]
        stored = await self.deps.repository.add_messages(self.conversation.id, new)
        self._messages.extend(stored)
        await self.publish(ev.message_response(stored, origin, self._next()))
        await self._analyze(stored)

    async def _analyze(self, messages: list[Message]) -> None:
        assert self._analyzer is not None
        members = await self.deps.repository.list_members(self.conversation.id)
        self._analyzer.with_members(members)
        analyses = await self._analyzer.analyze(messages)
        self._analyses.extend(analyses)
        stored = await self.deps.insights.save_analyses(self.conversation.id, analyses)
        lookup = Members(members)
        wanted = [i for i in stored if i.insight.type in self.insight_types]
        if wanted:
            items = [insight_event_json(i, lookup) for i in wanted]
            await self.publish(ev.insight_response(items, self._next()))
            if self.deps.on_insights is not None:  # webhooks: insight.created
                await self.deps.on_insights(self.conversation, items)
        trackers = _tracker_items(messages, analyses)
        if trackers:
            await self.publish(ev.tracker_response(trackers, self._next()))
        if len(self._messages) % TOPIC_EVERY_MESSAGES == 0:
            await self._publish_topics()

    async def _publish_topics(self) -> None:
        assert self._analyzer is not None
        topics = await self._analyzer.current_topics()
        if topics and topics != self._last_topics:
            self._last_topics = topics
            items = [topic_event_json(n, t) for n, t in enumerate(topics)]
            await self.publish(ev.topic_response(items, self._next()))

    async def _complete(self) -> None:
        """Store conversation-level results, mark completed, tell subscribers, close."""
        conv = self.conversation
        try:
            await self.publish(ev.recognition_stopped(conv.id))
            if self._analyzer is not None:
                await self._publish_topics()
                end = conv.start_time + timedelta(seconds=self.stream_time)
                await self.deps.processor.complete(
                    conv, self._analyzer, self._messages, self._analyses, end=end
                )
            else:
                await self.deps.repository.finish_conversation(
                    conv.id, ConversationStatus.COMPLETED, datetime.now(UTC)
                )
                if self.deps.processor.on_completed is not None:  # e-mails, webhooks
                    await self.deps.processor.on_completed(conv)
            await self.publish(ev.conversation_completed(conv.id, self.deps.summary_url(conv)))
        except Exception:
            log.exception("completing the conversation failed")
        finally:
            # Ended sessions stay queryable (call status) for a while: keep them light.
            self._messages, self._analyses, self._analyzer = [], [], None
            self.completed.set()
            await self.deps.bus.close_channel(self.channel)


def _tracker_items(
    messages: Sequence[Message], analyses: Sequence[MessageAnalysis]
) -> list[dict[str, Any]]:
    by_tracker: dict[str, list[dict[str, Any]]] = {}
    for msg, analysis in zip(messages, analyses, strict=True):
        for match in analysis.tracker_matches:
            by_tracker.setdefault(match.tracker, []).append(
                {
                    "type": "vocabulary",
                    "value": match.phrase,
                    "messageRefs": [{"id": msg.id, "text": msg.text, "offset": match.offset}],
                    "insightRefs": [],
                }
            )
    return [{"name": name, "matches": matches} for name, matches in by_tracker.items()]
