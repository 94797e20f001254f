"""The process's speech recogniser, behind a scheduler that loads on first use."""

from __future__ import annotations

import asyncio

from callscribe.asr import LiveRecognizer, RecognitionScheduler, create_recognizer
from callscribe.log import get_logger

log = get_logger(__name__)


class SpeechEngine:
    """One recogniser and scheduler per process, shared by every live source and file job.

    The engine is checked at construction (a missing optional engine fails at start with a
    message saying what to install); the model itself loads on the first :meth:`scheduler`.
    """

    def __init__(
        self,
        engine: str,
        *,
        cpu_threads: int,
        beam_size: int,
        workers: int = 1,
        full_window: bool = False,
    ) -> None:
        self.engine = engine
        self._workers = workers
        self._recognizer = create_recognizer(
            engine, cpu_threads=cpu_threads, beam_size=beam_size, full_window=full_window
        )
        self._scheduler: RecognitionScheduler | None = None
        self._lock = asyncio.Lock()

    async def scheduler(self) -> RecognitionScheduler:
        async with self._lock:
            if self._scheduler is None:
                scheduler = RecognitionScheduler(self._recognizer, workers=self._workers)
                await scheduler.start()
                self._scheduler = scheduler
                log.info("speech recogniser ready", engine=self.engine)
            return self._scheduler

    def current(self) -> RecognitionScheduler | None:
        """The scheduler once the model is loaded (None before: nothing is loaded here)."""
        return self._scheduler

    async def open_source(self, source_id: str) -> LiveRecognizer:
        """Segmentation and recognition for one live source, on the shared scheduler."""
        return LiveRecognizer(await self.scheduler(), source_id)

    async def close(self) -> None:
        if self._scheduler is not None:
            await self._scheduler.close()
            self._scheduler = None
