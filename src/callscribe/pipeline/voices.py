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

The stage keeps the last ``keep`` seconds of audio to embed (16 kHz mono, as the recogniser
hears it).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable

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


class AudioHistory:
    """The last ``keep`` seconds of a stream's audio, addressed by stream seconds."""

    def __init__(self, keep: float = 90.0) -> None:
        self._keep = int(keep * SAMPLE_RATE)
        self._chunks: list[Samples] = []
        self._begin = 0  # stream sample index of the first kept sample
        self._end = 0

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
        self._votes: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._people: dict[str, Speaker] = {}
        self._learning: asyncio.Queue[tuple[Transcript, Samples, float] | None] = asyncio.Queue()
        self._learnt = asyncio.Event()
        self._learnt.set()
        self.failed = False

    def feed(self, samples: Samples) -> None:
        self.audio.append(samples)

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
        self._learning.put_nowait(None)

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
            if self._separator is None:
                if len(audio) < self.min_channel_seconds * SAMPLE_RATE:
                    return
                encoder = await self._load()
                narrow = is_narrowband(audio)
                self._separator = VoiceSeparator(encoder, SeparationConfig.for_channel(narrow))
                log.info("speaker separation on", narrowband=narrow)
            runs = await asyncio.to_thread(self._separator.runs, audio, start, words)
        except Exception:
            # Separation is an aid: without it the call goes on as before, unlabelled.
            log.exception("speaker separation failed; the call goes on without it")
            self.failed = True
            return
        for run in runs:
            log.debug("voice run", start=run.start, stop=run.stop, cluster=run.cluster)
            self._place(run)

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


__all__ = ["AudioHistory", "EncoderLoader", "VoiceStage"]
