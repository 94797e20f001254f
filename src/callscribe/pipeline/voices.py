"""The voices stage of the live chain: who speaks, from the audio, when no one says so.

Each final's words are split into runs of one voice and each run gets a speaker
(:class:`~callscribe.speakers.separator.VoiceSeparator`, off the event loop); the result goes
onto the session's speaker timeline, which the assembler reads as it reads speaker events.

Events and voices together:

* where speaker events cover a run (the last event before it is at most ``trust`` seconds old),
  the events decide, and the run's voice learns that person's name;
* elsewhere — no events at all, or events that stopped — the voice decides: a voice that events
  named keeps that name for the rest of the call; one never named is "Speaker N";
* where events and voices disagree on a boundary, the assembler's attribution moves the change
  to the word gap that explains it best, as for any speaker change.

Without speaker events nothing says when the floor changes hands, and people take turns in
pauses far shorter than the end-pointing one: two speakers' quick exchange is one utterance,
and the first one's words wait for its end. So while an utterance goes on, the stage compares
the voices either side of each pause in it (and of the pause before it, when speech held back
for its speaker's going on is waiting): ``CHANGE_AFTER`` seconds after the pause, the
``CHANGE_BEFORE`` seconds before it against what followed (:meth:`VoiceStage.watch`). A change
is handed to the session, which ends the utterance there, as a speaker event would.

The stage keeps the last ``keep`` seconds of audio to embed (16 kHz mono, as the recogniser
hears it).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

from callscribe.asr.types import Transcript
from callscribe.audio.pcm import Samples
from callscribe.log import get_logger
from callscribe.pipeline.relabel import Stretch
from callscribe.pipeline.timeline import SpeakerTimeline, same_speaker
from callscribe.records import Speaker, voice_name
from callscribe.speakers.channel import is_narrowband
from callscribe.speakers.encoder import SAMPLE_RATE, VoiceEncoder
from callscribe.speakers.offline import MARGIN
from callscribe.speakers.separator import SeparationConfig, VoiceRun, VoiceSeparator

log = get_logger(__name__)

EncoderLoader = Callable[[], Awaitable[VoiceEncoder]]

CHANGE_BEFORE = 2.0
"""Seconds of speech before a pause whose voice is compared with what follows it."""
CHANGE_AFTER = 1.0
"""Seconds heard after a pause before the voices either side are compared (less gives an
unreliable voice; more makes the change known later)."""
CHANGE_LATE = 1.0
"""A comparison that could start only this long after it was due is skipped: the utterance
has likely ended by then, and the CPU is better left to recognition."""


@dataclass(frozen=True, slots=True)
class VoiceChange:
    """Another voice speaks after the pause from ``start`` to ``end`` (stream seconds) than
    before it (or may: a pause waiting to be compared); ``within``: the pause is inside the
    utterance in progress (not the one before it)."""

    start: float
    end: float
    within: bool


class ComparedPauses:
    """Which pauses the voices are compared at (sans-I/O): one inside an utterance after at
    least ``min_side`` seconds of speech since the utterance began or the last pause compared
    (a shorter side gives an unreliable voice, and it bounds the CPU), and one between two
    utterances under ``between`` seconds (after a longer one, what the first said is out)."""

    def __init__(self, min_side: float = 1.0, between: float = 1.5) -> None:
        self.min_side = min_side
        self.between = between
        self._compared_to = 0.0  # the end of the last pause chosen
        self._spoke_until: float | None = None  # the last recognised word's end

    def spoke_until(self, end: float) -> None:
        """Speech was recognised up to ``end`` (an utterance's last word)."""
        self._spoke_until = end

    def inside(self, start: float, end: float, utterance: float) -> VoiceChange | None:
        """The pause from ``start`` to ``end`` in the utterance begun at ``utterance``, if it
        is to be compared."""
        if start - max(utterance, self._compared_to) < self.min_side:
            return None
        self._compared_to = end
        return VoiceChange(start, end, within=True)

    def before(self, start: float) -> VoiceChange | None:
        """The pause before an utterance that begins at ``start``, if it is to be compared."""
        if self._spoke_until is None or start - self._spoke_until >= self.between:
            return None
        self._compared_to = start
        return VoiceChange(self._spoke_until, start, within=False)


class AudioHistory:
    """The last ``keep`` seconds of a stream's audio, addressed by stream seconds."""

    def __init__(self, keep: float = 90.0) -> None:
        self._keep = int(keep * SAMPLE_RATE)
        self._chunks: list[Samples] = []
        self._begin = 0  # stream sample index of the first kept sample
        self._end = 0

    @property
    def seconds(self) -> float:
        """Stream seconds of audio appended so far."""
        return self._end / SAMPLE_RATE

    def append(self, samples: Samples) -> None:
        self._chunks.append(samples)
        self._end += len(samples)
        while self._chunks and self._end - self._begin - len(self._chunks[0]) >= self._keep:
            self._begin += len(self._chunks.pop(0))

    def between(self, start: float, stop: float) -> Samples:
        """Samples from ``start`` to ``stop`` (stream seconds), as far as they are kept."""
        a = max(self._begin, int(start * SAMPLE_RATE))
        b = min(self._end, int(stop * SAMPLE_RATE))
        if b <= a:
            return np.zeros(0, dtype=np.float32)
        audio = np.concatenate(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
        self._chunks = [audio]
        return audio[a - self._begin : b - self._begin].copy()


class VoiceStage:
    """One session's voices; see the module docstring."""

    def __init__(
        self,
        load: EncoderLoader,
        timeline: SpeakerTimeline,
        *,
        trust: float = 20.0,
        min_channel_seconds: float = 2.0,
    ) -> None:
        self._load = load
        self.timeline = timeline
        self.trust = trust
        self.min_channel_seconds = min_channel_seconds
        self.audio = AudioHistory()
        self._separator: VoiceSeparator | None = None
        self._making = asyncio.Lock()  # the separator is made once, by the label or the watch
        self._votes: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._people: dict[str, Speaker] = {}
        self._learning: asyncio.Queue[tuple[Transcript, Samples, float] | None] = asyncio.Queue()
        self._learnt = asyncio.Event()
        self._learnt.set()
        self._pauses: asyncio.Queue[VoiceChange | None] = asyncio.Queue()  # to compare
        self._fed = asyncio.Event()
        self.pauses = ComparedPauses(min_side=SeparationConfig().min_side)
        self._closed = False
        self.compared = 0
        """Pauses whose voices were compared (:meth:`watch`), and how many had a change."""
        self.changes = 0
        self.failed = False

    def feed(self, samples: Samples) -> None:
        self.audio.append(samples)
        self._fed.set()

    def paused(self, start: float, end: float, utterance: float) -> None:
        """Speech paused from ``start`` to ``end`` within the utterance begun at
        ``utterance``; see :meth:`_compare`."""
        self._compare(self.pauses.inside(start, end, utterance))

    def began(self, at: float) -> None:
        """An utterance begins at ``at``: the pause before it, after the last recognised word
        (:meth:`ComparedPauses.spoke_until`); see :meth:`_compare`."""
        self._compare(self.pauses.before(at))

    def _compare(self, pause: VoiceChange | None) -> None:
        """The voices either side of ``pause`` (when :class:`ComparedPauses` chose it) are
        compared once ``CHANGE_AFTER`` seconds have been heard after it (:meth:`watch`),
        unless a fresh speaker event says who speaks."""
        if pause is None or self.failed or self._closed or self._covered(pause.start, pause.end):
            return
        self._pauses.put_nowait(pause)

    async def watch(self, changed: Callable[[VoiceChange], None]) -> None:
        """Compare the voices either side of each pause :meth:`paused` was told of, in
        order, and tell ``changed`` of each pause after which another voice speaks; until
        :meth:`close`."""
        while (pause := await self._pauses.get()) is not None:
            due = pause.end + CHANGE_AFTER
            while self.audio.seconds < due and not self._closed:
                self._fed.clear()
                await self._fed.wait()
            if self._closed or self.failed or self.audio.seconds > due + CHANGE_LATE:
                continue
            origin = max(0.0, pause.start - CHANGE_BEFORE)
            audio = self.audio.between(origin, due)
            span = (pause.start - origin, pause.end - origin)
            try:
                separator = await self._separator_for(audio)
                if separator is None:
                    continue
                change = await asyncio.to_thread(separator.changes, audio, span)
            except Exception:
                log.exception("comparing voices at a pause failed; the call goes on without it")
                self.failed = True
                continue
            log.debug("voices compared", start=pause.start, end=pause.end, change=change)
            self.compared += 1
            if change:
                self.changes += 1
                changed(pause)

    async def label(self, transcript: Transcript) -> None:
        """Give the utterance's words their speakers on the timeline (before assembly).

        Where fresh speaker events already say who speaks, the final does not wait: its
        voices are learnt (named by the events) by :meth:`run` meanwhile, in order."""
        words = transcript.words
        if self.failed or not words:
            return
        start = max(0.0, words[0].start - MARGIN)
        audio = self.audio.between(start, words[-1].end + MARGIN)
        if len(audio) < SAMPLE_RATE // 10:
            return
        if self._covered(words[0].start, words[-1].end):
            self._learnt.clear()
            self._learning.put_nowait((transcript, audio, start))
            return
        await self._learnt.wait()  # voices learnt so far count for this utterance
        await self._separate(transcript, audio, start)

    async def run(self) -> None:
        """Learn the voices of utterances the events covered, in order, until :meth:`close`."""
        while (item := await self._learning.get()) is not None:
            await self._separate(*item)
            if self._learning.empty():
                self._learnt.set()
        self._learnt.set()

    def close(self) -> None:
        self._closed = True
        self._learning.put_nowait(None)
        self._pauses.put_nowait(None)
        self._fed.set()

    async def settle(self) -> list[Stretch]:
        """At the end of the call (after :meth:`run`): every utterance's voices again, from
        all of the call at once (off the event loop), as stretches of speech with their
        speakers. Voices the events named keep the name; the others are numbered again in
        order ("Speaker 1", "Speaker 2", …), with no gaps where two turned out to be one."""
        separator = self._separator
        if separator is None or self.failed:
            return []
        try:
            utterances = await asyncio.to_thread(separator.second_pass)
        except Exception:
            log.exception("second pass over the voices failed; the live labels stay")
            return []
        votes: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for online, final in separator.merged.items():
            for key, seconds in self._votes.get(online, {}).items():
                votes[final][key] += seconds
        clusters = sorted({r.cluster for runs in utterances for r in runs if r.cluster is not None})
        speakers: dict[int, Speaker] = {}
        for rank, cluster in enumerate(clusters):
            held = votes.get(cluster)
            speakers[cluster] = (
                self._people[max(held, key=held.__getitem__)]
                if held
                else Speaker(name=voice_name(rank))
            )
        log.info(
            "voices settled",
            pauses_compared=self.compared,
            changes_at_pauses=self.changes,
            online=len(separator.clusters),
            final=len(clusters),
            merged={k: v for k, v in separator.merged.items() if k != v},
        )
        return [
            Stretch(r.start, r.stop, speakers[r.cluster])
            for runs in utterances
            for r in runs
            if r.cluster is not None
        ]

    def _covered(self, start: float, stop: float) -> bool:
        """Fresh speaker events name whoever speaks from ``start`` to ``stop``."""
        event = self.timeline.announced_at(stop)
        return event is not None and event.speaker is not None and start - event.at <= self.trust

    async def _separate(self, transcript: Transcript, audio: Samples, start: float) -> None:
        words = transcript.words
        try:
            separator = await self._separator_for(audio)
            if separator is None:
                return
            runs = await asyncio.to_thread(separator.runs, audio, start, words)
        except Exception:
            # Separation is an aid: without it the call goes on as before, unlabelled.
            log.exception("speaker separation failed; the call goes on without it")
            self.failed = True
            return
        for run in runs:
            log.debug("voice run", start=run.start, stop=run.stop, cluster=run.cluster)
            self._place(run)

    async def _separator_for(self, audio: Samples) -> VoiceSeparator | None:
        """The call's separator, made (the model loaded) from the first stretch of audio long
        enough to tell a phone line by; None until then."""
        if self._separator is None and len(audio) >= self.min_channel_seconds * SAMPLE_RATE:
            async with self._making:
                if self._separator is None:
                    encoder = await self._load()
                    narrow = is_narrowband(audio)
                    self._separator = VoiceSeparator(encoder, SeparationConfig.for_channel(narrow))
                    log.info("speaker separation on", narrowband=narrow)
        return self._separator

    def _place(self, run: VoiceRun) -> None:
        if run.cluster is None:
            return
        middle = (run.start + run.stop) / 2
        event = self.timeline.announced_at(middle)
        named = self._name_of(run.cluster)
        if event is not None and event.speaker is not None:
            fresh = middle - event.at <= self.trust
            if fresh or named is None or same_speaker(named, event.speaker):
                self._vote(run.cluster, event.speaker, run.stop - run.start)
                # the events decide; only a voice's change in effect here is undone
                current = self.timeline.change_at(run.start)
                undo = current is not None and current.by_voice
                if (
                    undo
                    and current is not None
                    and not same_speaker(current.speaker, event.speaker)
                ):
                    self.timeline.start(run.start - 0.05, event.speaker, by_voice=True)
                return
        speaker = named or Speaker(name=voice_name(run.cluster))
        if not same_speaker(self.timeline.speaker_at(run.start), speaker):
            self.timeline.start(run.start - 0.05, speaker, by_voice=True)

    def _vote(self, cluster: int, speaker: Speaker, seconds: float) -> None:
        self._people.setdefault(speaker.key, speaker)
        self._votes[cluster][speaker.key] += seconds

    def _name_of(self, cluster: int) -> Speaker | None:
        """The person events named this voice most often (by speech time), if any."""
        votes = self._votes.get(cluster)
        if not votes:
            return None
        return self._people[max(votes, key=votes.__getitem__)]


__all__ = ["AudioHistory", "ComparedPauses", "EncoderLoader", "VoiceChange", "VoiceStage"]
