"""The recording stage of a live session: audio buffered as it is fed, encoded in a thread.

``feed`` only appends to a list (it runs on the event loop with every audio frame); ``run``
hands about a second of audio at a time to the encoder off the loop, and when the session
ends (or is cancelled at shutdown) writes what is left and closes the file, so the recording
is as long as the audio the session received.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import numpy as np

from callscribe.audio.pcm import Samples
from callscribe.log import get_logger
from callscribe.recordings.writer import AudioWriter

log = get_logger(__name__)

BLOCK_SECONDS = 1.0
"""Audio gathered before each hand-over to the encoder thread."""


class LiveRecorder:
    def __init__(self, writer: AudioWriter, on_closed: Callable[[float], Awaitable[None]]) -> None:
        """``on_closed(seconds)`` records the finished file (called once, after closing)."""
        self._writer = writer
        self._on_closed = on_closed
        self._pending: list[Samples] = []
        self._held = 0
        self._block = int(BLOCK_SECONDS * writer.rate)
        self._ready = asyncio.Event()
        self._stopped = False
        self._finished = False
        # A write whose awaiting was cancelled goes on in its thread: the next waits for it.
        self._inflight: asyncio.Future[None] | None = None

    def feed(self, samples: Samples) -> None:
        """Keep ``samples`` (mono float32 at the writer's rate); ignored once stopped."""
        if self._stopped or not len(samples):
            return
        self._pending.append(samples)
        self._held += len(samples)
        if self._held >= self._block:
            self._ready.set()

    def stop(self) -> None:
        """No more audio: :meth:`run` writes what is held and closes the file."""
        self._stopped = True
        self._ready.set()

    async def run(self) -> None:
        """Encode until :meth:`stop`; the file is closed however this ends."""
        try:
            while not self._stopped:
                await self._ready.wait()
                self._ready.clear()
                await self._write_held()
        finally:
            await asyncio.shield(self.finish())

    async def finish(self) -> None:
        """Write what is held, close the file and record it (once)."""
        if self._finished:
            return
        self._finished = True
        self._stopped = True
        try:
            await self._write_held()
            await self._in_thread(self._writer.close)
        except Exception:
            log.exception("the recording could not be completed", path=str(self._writer.path))
        await self._on_closed(self._writer.seconds)

    async def _write_held(self) -> None:
        if not self._pending:
            return
        block = np.concatenate(self._pending)
        self._pending, self._held = [], 0
        await self._in_thread(self._writer.write, block)

    async def _in_thread(self, fn: Callable[..., None], *args: object) -> None:
        """Run ``fn`` in a thread after the previous call has finished, in order, even when
        the coroutine awaiting that one was cancelled."""
        if self._inflight is not None:
            await asyncio.wait([self._inflight])
        loop = asyncio.get_running_loop()
        self._inflight = loop.run_in_executor(None, fn, *args)
        await asyncio.shield(self._inflight)


__all__ = ["LiveRecorder"]
