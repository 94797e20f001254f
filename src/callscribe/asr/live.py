"""One live source (a call leg, a streaming socket): 16 kHz mono audio in, speech events out.

The transport normalises its audio once (:class:`~callscribe.audio.pcm.Normalizer` or a
stream decoder); ``feed()`` is synchronous and cheap (VAD: well under 1 % of real time), so
transports call it straight from the event loop; recognition is queued on the shared
:class:`~callscribe.asr.scheduler.RecognitionScheduler`. ``events()`` yields, in stream order,
:class:`SpeechStarted`, :class:`Pause`, :class:`Interim` and :class:`Final` until :meth:`end`
has been called and every final is delivered. All times are stream seconds (plus ``offset``).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from callscribe.asr.scheduler import RecognitionScheduler, Result
from callscribe.asr.types import Transcript
from callscribe.audio.pcm import Samples
from callscribe.audio.segmenter import (
    EndCandidate,
    InterimAudio,
    Resumed,
    Segmenter,
    SegmenterConfig,
    SegmentEvent,
    Utterance,
)
from callscribe.audio.segmenter import Pause as _Pause
from callscribe.audio.segmenter import SpeechStarted as _Started


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """Voice activity began at ``start``."""

    start: float


@dataclass(frozen=True, slots=True)
class Pause:
    """Speech in the utterance in progress (begun at ``utterance``) paused from ``start`` to
    ``end``: long enough for another speaker to have taken over there."""

    start: float
    end: float
    utterance: float


@dataclass(frozen=True, slots=True)
class Interim:
    """A live hypothesis for the utterance in progress."""

    text: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Final:
    """A finished utterance: words and times in stream time.

    ``latency`` is the wall-clock seconds from the end of the utterance being detected to the
    text being ready; ``forced`` is True when the utterance was cut at the length cap;
    ``spared`` is the part of the usual end-of-turn pause its finished sentence spared.
    """

    transcript: Transcript
    start: float
    end: float
    latency: float
    forced: bool = False
    spared: float = 0.0


LiveEvent = SpeechStarted | Pause | Interim | Final


@dataclass(slots=True)
class _Pending:
    """An event in stream order; recognition results arrive through ``future``."""

    kind: str  # "started" | "pause" | "interim" | "final"
    start: float
    end: float
    utterance: float = 0.0
    future: Result | None = None
    submitted: float = 0.0
    done_at: float = 0.0
    forced: bool = False
    spared: float = 0.0
    superseded: bool = False
    """An interim whose utterance has a final queued: not worth waiting for."""

    def mark_done(self, _future: Result) -> None:
        self.done_at = time.monotonic()


@dataclass(slots=True)
class _Early:
    """An early final in flight: the utterance's likely end, recognised during the pause."""

    start: float
    end: float
    samples: int
    future: Result


class LiveRecognizer:
    """Segmenter + resampler for one source, feeding a shared scheduler.

    When the segmenter offers an :class:`EndCandidate`, its audio is queued as an early final;
    if the utterance then ends there (same audio), that recognition becomes its final, so the
    final's text is often ready by the time the end-pointing pause has run out.

    ``judge`` reads that early final's text: True when it ends a sentence, False when it plainly
    goes on, None when it cannot tell. The segmenter then waits its ``settled_pause``,
    ``open_pause`` or usual pause, so a finished sentence is final sooner and a trailing "and
    the" is not cut off. Without a judge every utterance waits the usual pause.
    """

    def __init__(
        self,
        scheduler: RecognitionScheduler,
        source_id: str,
        *,
        config: SegmenterConfig | None = None,
        offset: float = 0.0,
        judge: Callable[[str], bool | None] | None = None,
    ) -> None:
        self.scheduler = scheduler
        self.source_id = source_id
        self.offset = offset
        self._judge = judge
        self._segmenter = Segmenter(config)
        self._pending: deque[_Pending] = deque()
        self._early: _Early | None = None
        self._changed = asyncio.Event()
        self._ended = False

    # --- input ------------------------------------------------------------------------------

    def feed(self, samples: Samples) -> None:
        """Mono float32 samples in [-1, 1] at 16 kHz."""
        if self._ended:
            raise RuntimeError(f"source {self.source_id}: feed() after end()")
        self._handle(self._segmenter.feed(samples))

    def cut_near(self, at: float) -> None:
        """Someone else speaks from about ``at`` (stream seconds): the utterance in progress
        ends at the pause nearest it, so its final need not wait for the other's words."""
        if not self._ended:
            self._handle(self._segmenter.cut_near(at - self.offset))

    def end(self) -> None:
        """End of stream: the utterance in progress becomes a final."""
        if self._ended:
            return
        self._handle(self._segmenter.flush())
        self._ended = True
        self._changed.set()

    # --- activity ---------------------------------------------------------------------------

    @property
    def speaking(self) -> bool:
        """Someone is speaking right now (an utterance is open)."""
        return self._segmenter.speaking

    @property
    def hearing(self) -> bool:
        """Voice is heard right now, confirmed as speech or not yet."""
        return self._segmenter.hearing

    @property
    def stream_time(self) -> float:
        """Seconds of audio processed so far (plus ``offset``)."""
        return self.offset + self._segmenter.now

    def silence_for(self) -> float:
        """Seconds of stream since speech was last heard (music and tones are not speech)."""
        return self._segmenter.silence_for()

    # --- output -----------------------------------------------------------------------------

    async def events(self) -> AsyncIterator[LiveEvent]:
        """Events in stream order; finishes after :meth:`end` once all finals are out."""
        while True:
            while self._pending:
                head = self._pending[0]
                if head.future is not None and not head.future.done():
                    if not head.superseded:
                        break
                    self._pending.popleft()
                    head.future.add_done_callback(_discard)
                    continue
                self._pending.popleft()
                event = self._resolve(head)
                if event is not None:
                    yield event
            if self._ended and not self._pending:
                return
            # set by new events and by every recognition finishing: a final that supersedes
            # the interim at the head must not wait for that interim to finish
            self._changed.clear()
            await self._changed.wait()

    def _handle(self, events: list[SegmentEvent]) -> None:
        for ev in events:
            if isinstance(ev, EndCandidate):
                self._withdraw_early()
                future = self.scheduler.submit_early(self.source_id, ev.audio)
                self._early = _Early(ev.start, ev.end, len(ev.audio), future)
                if self._judge is not None:
                    future.add_done_callback(functools.partial(self._judged, self._early))
                continue
            if isinstance(ev, Resumed):
                if not ev.doubt:  # in doubt, its words may still end the utterance there
                    self._withdraw_early()
                continue
            start = self.offset + ev.start
            if isinstance(ev, _Started):
                self._pending.append(_Pending("started", start, start))
                continue
            if isinstance(ev, _Pause):
                at = self.offset + ev.utterance
                self._pending.append(_Pending("pause", start, self.offset + ev.end, at))
                continue
            item = _Pending("interim", start, self.offset + ev.end, submitted=time.monotonic())
            if isinstance(ev, InterimAudio):
                item.future = self.scheduler.submit_interim(self.source_id, ev.audio)
            else:
                item.kind, item.forced, item.spared = "final", ev.forced, ev.spared
                item.future = self._final_future(ev)
                for earlier in self._pending:
                    earlier.superseded = earlier.kind == "interim"
            item.future.add_done_callback(item.mark_done)
            item.future.add_done_callback(self._wake)
            self._pending.append(item)
        if events:
            self._changed.set()

    def _judged(self, early: _Early, future: Result) -> None:
        """The early final's words are known: they set how long its pause must be."""
        if self._ended or self._early is not early or not _may_succeed(future):
            return
        result = future.result()
        finished = self._judge(result.text) if self._judge and result is not None else None
        if finished is None:
            return
        pause = self._segmenter.config.pause_after(finished)
        self._handle(self._segmenter.expect_pause(early.end, pause))

    def _wake(self, _future: Result) -> None:
        self._changed.set()

    def _final_future(self, utterance: Utterance) -> Result:
        """The early final when it holds exactly this utterance's audio, else a new final."""
        early, self._early = self._early, None
        if (
            early is not None
            and (early.start, early.end, early.samples)
            == (utterance.start, utterance.end, len(utterance.audio))
            and _may_succeed(early.future)
        ):
            self.scheduler.promote(self.source_id, early.future)
            return early.future
        if early is not None:
            self.scheduler.withdraw(self.source_id)
        return self.scheduler.submit_final(self.source_id, utterance.audio)

    def _withdraw_early(self) -> None:
        if self._early is not None:
            self.scheduler.withdraw(self.source_id)
            self._early = None

    @staticmethod
    def _resolve(item: _Pending) -> LiveEvent | None:
        if item.future is None:
            if item.kind == "pause":
                return Pause(item.start, item.end, item.utterance)
            return SpeechStarted(item.start)
        if item.future.cancelled():
            return None
        result = item.future.result()  # re-raises a recogniser failure to the consumer
        if result is None:
            return None
        if item.kind == "interim":
            return Interim(result.text, item.start, item.end) if result.text else None
        latency = max(0.0, item.done_at - item.submitted)
        return Final(
            result.shifted(item.start), item.start, item.end, latency, item.forced, item.spared
        )


def _discard(future: Result) -> None:
    """Retrieve a result no one waits for any more (so a failure is not reported as lost)."""
    if not future.cancelled():
        future.exception()


def _may_succeed(future: Result) -> bool:
    """Still queued or running, or done with a transcript (not dropped, not failed)."""
    if not future.done():
        return True
    return not future.cancelled() and future.exception() is None and future.result() is not None


__all__ = ["Final", "Interim", "LiveEvent", "LiveRecognizer", "Pause", "SpeechStarted"]
