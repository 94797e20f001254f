"""A scripted speech source, for tests of the live chain without a recogniser or a VAD.

The test says what was heard (:meth:`ScriptedSource.hear`) and when the source ends; the
session reads it as it reads :class:`~callscribe.asr.LiveRecognizer`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from callscribe.asr import Final, Interim, LiveEvent, Pause, SpeechStarted
from callscribe.asr.types import Transcript
from callscribe.audio.pcm import Samples


class ScriptedSource:
    """Yields the events a test puts in; records the audio fed and the turns asked for."""

    def __init__(self) -> None:
        self.samples = 0
        self.cuts: list[float] = []
        self.speaking = False
        self.hearing = False
        self._events: asyncio.Queue[LiveEvent | None] = asyncio.Queue()
        self._ended = False

    def feed(self, samples: Samples) -> None:
        self.samples += len(samples)

    def end(self) -> None:
        if not self._ended:
            self._ended = True
            self._events.put_nowait(None)

    def cut_near(self, at: float) -> None:
        self.cuts.append(at)

    def silence_for(self) -> float:
        return 0.0

    def started(self, at: float) -> None:
        self._events.put_nowait(SpeechStarted(at))

    def paused(self, start: float, end: float, utterance: float) -> None:
        """Speech in the utterance begun at ``utterance`` paused from ``start`` to ``end``."""
        self._events.put_nowait(Pause(start, end, utterance))

    def interim(self, text: str, start: float, end: float) -> None:
        self._events.put_nowait(Interim(text, start, end))

    def hear(self, transcript: Transcript, *, forced: bool = False, spared: float = 0.0) -> None:
        """A final for ``transcript`` (stream times), ended by a pause unless ``forced``,
        ``spared`` seconds before the usual pause ended; recognised in 0.1 s."""
        self._events.put_nowait(
            Final(transcript, transcript.start, transcript.end, 0.1, forced, spared)
        )

    async def events(self) -> AsyncIterator[LiveEvent]:
        while (event := await self._events.get()) is not None:
            yield event


__all__ = ["ScriptedSource"]
