"""What a live session is built from: the process's long-lived parts, and the speech source
interface its recognition stage reads."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from callscribe.asr import LiveEvent as SpeechEvent
from callscribe.audio.pcm import Samples
from callscribe.conversation.processing import ConversationProcessor
from callscribe.events import EventBus
from callscribe.recordings import Recordings
from callscribe.records import Conversation, Member
from callscribe.speakers.encoder import VoiceEncoder
from callscribe.storage import InsightStore, Repository, StoredInsight


class SpeechSource(Protocol):
    """Segmentation and recognition of one stream (:class:`~callscribe.asr.LiveRecognizer`)."""

    def feed(self, samples: Samples) -> None: ...

    def end(self) -> None: ...

    def cut_near(self, at: float) -> None: ...

    def events(self) -> AsyncIterator[SpeechEvent]: ...

    @property
    def speaking(self) -> bool: ...

    @property
    def hearing(self) -> bool: ...

    def silence_for(self) -> float: ...


InsightsHook = Callable[[Conversation, Sequence[StoredInsight], Sequence[Member]], Awaitable[None]]


@dataclass(frozen=True)
class LiveDeps:
    """The long-lived parts a live session uses (built once per process by Services)."""

    repository: Repository
    insights: InsightStore
    processor: ConversationProcessor
    bus: EventBus
    open_source: Callable[[str, str | None], Awaitable[SpeechSource]]
    """A speech source for a connection id in a language (ISO 639-1; None: detected), which
    loads the language's recogniser on first use."""
    summary_url: Callable[[Conversation], str | None] = lambda _c: None
    on_insights: InsightsHook | None = None
    voices: Callable[[], Awaitable[VoiceEncoder]] | None = None
    """The speaker-embedding model (loaded on first use); None: speaker separation is off."""
    recordings: Recordings | None = None
    """Where sessions asked to keep their audio record it."""


__all__ = ["InsightsHook", "LiveDeps", "SpeechSource"]
