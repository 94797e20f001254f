"""A live conversation: one connection's chain of stages, from audio to published results.

::

    transport ──feed()──▶ recognise ──▶ voices ──▶ assemble ──▶ write ──▶ bus
      (16 kHz mono)        │ interim     │ final text      │ store, insights, topics
                           └──▶ bus      └──▶ bus          └──▶ webhooks

* **recognise** — segmentation and recognition (a :class:`SpeechSource`); interim texts are
  published at once, finals (and starts of speech) go on;
* **voices** — on a call, the bridge's own announcements are left out of each final
  (:mod:`.announcements`); speaker separation (:mod:`.voices`), when on: each final's words
  get their speakers on the timeline from the voices heard; then the final text is published;
* **assemble** — speaker attribution and message assembly (:mod:`.assembly`): whole
  sentences of one speaker, using the speaker timeline fed by speaker events;
* **write** — store each message, analyse it, store and publish its insights
  (:mod:`.writer`).

At the end, when voices were separated, a second pass over all of the call's voices relabels
the messages known only by a voice (:mod:`.relabel`) before the summary and analytics.

Each stage reads its own queue, so a slow store or NLP pass never holds up the next interim.
The session owns the connection's lifecycle: whatever ends the source (the client, the call,
a failure), everything recognised is kept and the conversation is completed; a failure is
published as an error first. Speaker events are placed on the audio clock (:mod:`.clock`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from callscribe.asr import Final, Interim, Pause, SpeechStarted
from callscribe.audio.pcm import TARGET_RATE, Samples
from callscribe.errors import CallscribeError, NotFound
from callscribe.events import live as ev
from callscribe.log import get_logger
from callscribe.metrics import FINAL_LATENCY
from callscribe.pipeline.announcements import Announcements, without_last
from callscribe.pipeline.assembly import Assembled, MessageAssembler
from callscribe.pipeline.clock import Placement, StreamClock
from callscribe.pipeline.deps import LiveDeps, SpeechSource
from callscribe.pipeline.timeline import SpeakerTimeline, same_speaker
from callscribe.pipeline.voices import VoiceChange, VoiceStage
from callscribe.pipeline.writer import MessageWriter
from callscribe.recordings import LiveRecorder
from callscribe.records import Conversation, Speaker

log = get_logger(__name__)

INSIGHT_TYPES = frozenset({"question", "action_item", "follow_up"})
EARLY_SECONDS = 120.0
"""Audio held while the recogniser loads, at most (a cold start takes a few seconds)."""


class _Turn:
    """A speaker event changed who speaks (for the assembly stage)."""


_TURN = _Turn()
_Heard = SpeechStarted | Final | _Turn | VoiceChange
_LISTEN = 0.05
"""How often held speech due to go out is looked at again while a voice is heard that is not
yet speech (under ``min_speech``): the speaker may be going on."""


class LiveSession:
    """One connection's live chain; see the module docstring."""

    def __init__(
        self,
        deps: LiveDeps,
        conversation: Conversation,
        connection_id: str,
        *,
        speaker: Speaker | None = None,
        insight_types: Sequence[str] = tuple(INSIGHT_TYPES),
        separate_voices: bool | None = None,
        keep_audio: bool = False,
        language: str | None = "en",
        announcements: Announcements | None = None,
    ) -> None:
        """``separate_voices``: tell speakers apart by their voices (None: when the process
        has speaker separation on and no ``speaker`` is given for the whole stream);
        ``keep_audio``: record the audio the session hears (``keepAudio``); ``language``:
        what is spoken (ISO 639-1, None: detect it); ``announcements``: the bridge's own
        voice to leave out of what is heard (a call's; a stream has no bridge)."""
        self.deps = deps
        self.conversation = conversation
        self.connection_id = connection_id
        self.insight_types = frozenset(insight_types) & INSIGHT_TYPES
        self.clock = StreamClock()
        self.timeline = SpeakerTimeline(default=speaker)
        self.completed = asyncio.Event()
        self.error: str | None = None
        self._assembler = MessageAssembler(self.timeline)
        if separate_voices is None:
            separate_voices = speaker is None
        self.voices = (
            VoiceStage(deps.voices, self.timeline)
            if separate_voices and deps.voices is not None
            else None
        )
        self.keep_audio = keep_audio and deps.recordings is not None
        self.language = language
        self.announcements = announcements
        self.recorder: LiveRecorder | None = None
        self._source: SpeechSource | None = None
        self._early: list[Samples] = []
        self._early_samples = 0
        self._ready = asyncio.Event()
        self._ended = False
        self._over = asyncio.Event()
        self._recognised: asyncio.Queue[_Heard | None] = asyncio.Queue()
        self._heard: asyncio.Queue[_Heard | None] = asyncio.Queue()
        self._assembled: asyncio.Queue[list[Assembled] | None] = asyncio.Queue()
        self._writer = MessageWriter(deps, conversation, self.insight_types, self.publish)

    # --- transport side ---------------------------------------------------------------------

    @property
    def channel(self) -> str:
        return self.connection_id

    def feed(self, samples: Samples) -> None:
        """Mono float32 audio at 16 kHz from the transport; dropped after :meth:`end`. Audio
        that comes while the recogniser loads is held (up to ``EARLY_SECONDS``) and passed on
        when it is ready, so a call's first words are heard and recorded."""
        if self._ended or not len(samples):
            return
        if self._source is None:
            if self._early_samples + len(samples) <= EARLY_SECONDS * TARGET_RATE:
                self._early.append(samples)
                self._early_samples += len(samples)
            return
        self._pass(samples)

    def _pass(self, samples: Samples) -> None:
        assert self._source is not None
        self.clock.fed(len(samples), time.time())
        if self.voices is not None:
            self.voices.feed(samples)
        if self.recorder is not None:
            self.recorder.feed(samples)
        self._source.feed(samples)

    @property
    def ready(self) -> bool:
        """True once the recogniser is loaded and audio is being accepted."""
        return self._source is not None

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def end(self) -> None:
        """The source stopped: what is being said becomes final, then the session completes."""
        if self._ended:
            return
        self._ended = True
        self._over.set()
        if self._source is not None:
            self._source.end()
        if self.recorder is not None:
            self.recorder.stop()
        self._ready.set()

    def speaker_started(self, speaker: Speaker, timestamp: datetime | None = None) -> Placement:
        """``speaker`` speaks from ``timestamp`` (wall clock; None: now) on."""
        placed = self._place(timestamp)
        before = self.timeline.speaker_at(placed.at)
        self.timeline.start(placed.at, speaker)
        if not same_speaker(before, speaker):
            self._turn_at(placed.at)
        return placed

    def speaker_stopped(
        self, speaker: Speaker | None, timestamp: datetime | None = None
    ) -> Placement:
        """``speaker`` stopped speaking at ``timestamp`` (None: now)."""
        placed = self._place(timestamp)
        before = self.timeline.speaker_at(placed.at)
        self.timeline.stop(placed.at, speaker)
        if not same_speaker(self.timeline.speaker_at(placed.at), before):
            self._turn_at(placed.at)
        return placed

    def _turn_at(self, at: float) -> None:
        """The floor changed hands: end the utterance in progress at the pause nearest it, and
        let assembly release what the previous speaker said."""
        if self._source is not None and not self._ended:
            self._source.cut_near(at)
            self._recognised.put_nowait(_TURN)

    def _voice_changed(self, change: VoiceChange) -> None:
        """Another voice took over after a pause, as the voices say (no speaker event did):
        as for a speaker event, an utterance in progress ends at that pause, and speech held
        for its speaker's going on is let go."""
        if self._source is None or self._ended:
            return
        if change.within:
            self._source.cut_near((change.start + change.end) / 2)
        self._recognised.put_nowait(change)

    def _place(self, timestamp: datetime | None) -> Placement:
        placed = self.clock.place(timestamp.timestamp() if timestamp else None)
        if timestamp is not None and not placed.by_timestamp:
            log.info("speaker event placed at its arrival", timestamp=timestamp.isoformat())
        return placed

    @property
    def speaking(self) -> bool:
        """Someone is speaking right now (voice activity, not just sound)."""
        return self._source.speaking if self._source is not None else False

    @property
    def stream_time(self) -> float:
        return self.clock.position

    def silence_for(self) -> float:
        """Seconds since speech was last heard (music and tones are not speech)."""
        return self._source.silence_for() if self._source is not None else 0.0

    async def fail(self, reason: str, message: str) -> None:
        """Publish an error naming why; the session still completes."""
        self.error = message
        await self.publish(ev.ErrorRaised(reason, message))

    async def publish(self, event: ev.LiveEvent) -> None:
        await self.deps.bus.publish(self.channel, event)

    # --- the chain --------------------------------------------------------------------------

    async def run(self) -> None:
        """Recognise until :meth:`end`, then complete the conversation. Never raises for a
        recogniser or storage failure: it publishes an error and completes."""
        try:
            try:
                await self._start()
            except CallscribeError as exc:
                await self.fail("recognition_failed", exc.message)
            else:
                async with asyncio.TaskGroup() as tg:
                    if self.recorder is not None:
                        tg.create_task(self.recorder.run())
                    if self.voices is not None:
                        tg.create_task(self.voices.run())
                        tg.create_task(self.voices.watch(self._voice_changed))
                    tg.create_task(self._label())
                    tg.create_task(self._assemble())
                    tg.create_task(self._write())
                    await self._recognise()
        except asyncio.CancelledError:
            self._ended = True
            await asyncio.shield(self._salvage())
            raise
        except Exception as exc:
            log.exception("live session failed")
            await self.fail("internal_error", f"internal error: {type(exc).__name__}")
        self._ended = True
        self._ready.set()
        if self.recorder is not None:
            await self.recorder.finish()
        await self._complete(settle=True)

    async def _start(self) -> None:
        try:
            await self._writer.start()
            if self.keep_audio and self.deps.recordings is not None:
                self.recorder = await self.deps.recordings.live(self.conversation.id)
            self._source = await self.deps.open_source(self.connection_id, self.language)
            early, self._early = self._early, []
            for samples in early:
                self._pass(samples)
            if self._ended:
                self._source.end()
                if self.recorder is not None:
                    self.recorder.stop()
        finally:
            self._ready.set()

    async def _recognise(self) -> None:
        """Stage 1: publish interim texts as they come; pass finals and starts of speech on."""
        assert self._source is not None
        try:
            async for event in self._source.events():
                if isinstance(event, Interim):
                    speaker = self.timeline.speaker_at(event.start)
                    await self.publish(ev.InterimText(event.text, event.start, event.end, speaker))
                    continue
                if isinstance(event, Pause):
                    if self.voices is not None:
                        self.voices.paused(event.start, event.end, event.utterance)
                    continue
                if isinstance(event, Final):
                    FINAL_LATENCY.observe(event.latency)
                    if self.voices is not None and event.transcript.words:
                        self.voices.pauses.spoke_until(event.transcript.words[-1].end)
                elif self.voices is not None:
                    self.voices.began(event.start)
                self._recognised.put_nowait(event)
        except CallscribeError as exc:
            await self.fail("recognition_failed", exc.message)
        except Exception as exc:
            log.exception("recognition failed")
            await self.fail("internal_error", f"internal error: {type(exc).__name__}")
        finally:
            if self.recorder is not None:
                self.recorder.stop()
            self._recognised.put_nowait(None)

    async def _label(self) -> None:
        """Stage 2: the bridge's announcements out (on a call), speakers from voices (when
        on), then publish each final text."""
        while True:
            event = await self._recognised.get()
            if isinstance(event, Final) and not event.transcript.empty:
                event = await self._unannounced(event)
            if isinstance(event, Final) and not event.transcript.empty:
                if self.voices is not None:
                    await self.voices.label(event.transcript)
                speaker = self.timeline.speaker_at(event.transcript.start)
                await self.publish(ev.FinalText(event.transcript, speaker))
            self._heard.put_nowait(event)
            if event is None:
                if self.voices is not None:
                    self.voices.close()
                return

    async def _unannounced(self, final: Final) -> Final:
        """``final`` without the bridge's announcements: an opening one in the first seconds
        of the meeting, a closing one when the call ends within ``closing_seconds`` of it (only a
        final that ends as one does waits for that)."""
        if self.announcements is None:
            return final
        kept = self.announcements.without_opening(final.transcript)
        closing = self.announcements.closing_at_end(kept)
        if closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._over.wait(), self.announcements.closing_seconds)
            if self._over.is_set():
                kept = without_last(kept, closing)
        if kept is final.transcript:
            return final
        log.info(
            "bridge announcement left out",
            heard=final.transcript.text,
            kept=kept.text,
            at=final.transcript.start,
        )
        return replace(final, transcript=kept)

    async def _assemble(self) -> None:
        """Stage 3: attribute speakers and assemble whole-sentence messages."""
        assembler = self._assembler
        while True:
            deadline = assembler.deadline
            if deadline is not None and self._hearing():
                # a voice the segmenter has not yet confirmed as speech: wait to hear what it is
                deadline = max(deadline, time.monotonic() + _LISTEN)
            try:
                if deadline is None:
                    event = await self._heard.get()
                else:
                    timeout = max(0.0, deadline - time.monotonic())
                    event = await asyncio.wait_for(self._heard.get(), timeout)
            except TimeoutError:
                if not self._hearing():
                    self._pass_on(assembler.expire(time.monotonic()))
                continue
            if event is None:
                self._pass_on(assembler.flush())
                self._assembled.put_nowait(None)
                return
            if isinstance(event, SpeechStarted):
                assembler.speech_started()
            elif isinstance(event, _Turn):
                self._pass_on(assembler.turn_taken())
            elif isinstance(event, VoiceChange):
                self._pass_on(assembler.voice_changed(event.start))
            else:
                now = time.monotonic()
                # when the usual pause would have ended it: ``latency`` ago it was ended
                settled_at = now - event.latency + event.spared if event.spared else None
                self._pass_on(
                    assembler.add(
                        event.transcript,
                        paused=not event.forced,
                        now=now,
                        settled_at=settled_at,
                    )
                )

    def _hearing(self) -> bool:
        return self._source is not None and self._source.hearing

    def _pass_on(self, messages: list[Assembled]) -> None:
        if messages:
            self._assembled.put_nowait(messages)
            self.timeline.forget_before(messages[-1].end - 5.0)

    async def _write(self) -> None:
        """Stage 4: store, analyse and publish each batch of messages."""
        while (batch := await self._assembled.get()) is not None:
            await self._writer.write(batch)

    # --- the end ----------------------------------------------------------------------------

    async def _salvage(self) -> None:
        """After cancellation (shutdown): keep what was recognised, then complete."""
        try:
            batch: list[Assembled] = []
            while not self._assembled.empty():
                batch += self._assembled.get_nowait() or []
            for queue in (self._heard, self._recognised):
                while not queue.empty():
                    event = queue.get_nowait()
                    if isinstance(event, Final):
                        batch += self._assembler.add(event.transcript, paused=True, now=0.0)
            await self._writer.keep(batch + self._assembler.flush())
        except Exception:
            log.exception("keeping what was recognised failed")
        if self.recorder is not None:
            await self.recorder.finish()
        self._ready.set()
        await self._complete()

    async def _complete(self, *, settle: bool = False) -> None:
        """Complete the conversation, tell subscribers, close the channel. ``settle``: first
        let the second pass over the voices relabel what the live pass got wrong (not when
        shutting down: that keeps what is stored and finishes quickly)."""
        conv = self.conversation
        try:
            await self.publish(ev.RecognitionStopped(conv.id))
            if settle and self.voices is not None:
                try:
                    await self._writer.relabel(await self.voices.settle())
                except Exception:
                    log.exception("relabelling by the second pass failed; live labels kept")
            await self._writer.complete(self.stream_time)
            # As stored now (its summary links may have been revoked during the call): the
            # link below, and the one the stop answer carries, must open.
            with contextlib.suppress(NotFound):  # deleted meanwhile: the event still goes
                conv = self.conversation = await self.deps.repository.get_conversation(
                    conv.app_id, conv.id
                )
            await self.publish(ev.ConversationCompleted(conv.id, self.deps.summary_url(conv)))
        except Exception:
            log.exception("completing the conversation failed")
        finally:
            self.completed.set()
            with contextlib.suppress(Exception):
                await self.deps.bus.close_channel(self.channel)


__all__ = ["INSIGHT_TYPES", "LiveSession"]
