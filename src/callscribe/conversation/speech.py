"""The process's speech recognisers, behind schedulers that load on first use.

English goes to the configured engine; another language (a ``languageCode``) to the
multilingual engine told that language, with its own scheduler, made on first use. The
model behind several languages' recognisers is loaded once.
"""

from __future__ import annotations

import asyncio

from callscribe.asr import LiveRecognizer, RecognitionScheduler, create_recognizer, headroom
from callscribe.asr.languages import ENGLISH, whisper_language
from callscribe.asr.types import Recognizer
from callscribe.errors import EngineUnavailable, ValidationFailed
from callscribe.log import get_logger
from callscribe.pipeline import sentences

log = get_logger(__name__)

DETECT = "detect"
"""Key of the scheduler whose recogniser detects the language of each utterance."""


class SpeechEngine:
    """Recognisers and schedulers per language, shared by every live source and file job.

    The engine is checked at construction (a missing optional engine fails at start with a
    message saying what to install); the models themselves load on first use.
    """

    def __init__(
        self,
        engine: str,
        *,
        cpu_threads: int,
        beam_size: int,
        workers: int = 1,
        full_window: bool = False,
        padding: float | None = None,
        multilingual_engine: str = "whisper-base",
        detect_language: bool = False,
    ) -> None:
        self.engine = engine
        self.multilingual_engine = multilingual_engine
        self.detect_language = detect_language
        self._workers = workers
        self._cpu_threads, self._beam_size, self._full_window = cpu_threads, beam_size, full_window
        self._padding = padding
        self._recognizers: dict[str, Recognizer] = {ENGLISH: self._create(engine, ENGLISH)}
        self._schedulers: dict[str, RecognitionScheduler] = {}
        self._cpu_load = headroom.CpuLoad()
        self._lock = asyncio.Lock()

    def language_for(self, code: str | None, field: str = "languageCode") -> str | None:
        """The recogniser language for a request's BCP-47 ``code``: ``"en"``, another ISO
        639-1 code, or None (no code, and ``DETECT_LANGUAGE`` on). ``ValidationFailed`` (400)
        naming the code when no installed engine recognises it."""
        if code is None or not code.strip():
            return None if self.detect_language else ENGLISH
        language = whisper_language(code, field)
        if language != ENGLISH:
            try:
                self._recognizer(language)
            except EngineUnavailable as exc:
                raise ValidationFailed(
                    f"{field}: no installed speech engine recognises {code!r}: {exc.message}"
                ) from exc
        return language

    def _create(self, engine: str, language: str | None) -> Recognizer:
        return create_recognizer(
            engine,
            cpu_threads=self._cpu_threads,
            num_workers=self._workers,
            beam_size=self._beam_size,
            full_window=self._full_window,
            padding=self._padding,
            language=language,
        )

    def _recognizer(self, language: str | None) -> Recognizer:
        key = language or DETECT
        if key not in self._recognizers:
            self._recognizers[key] = self._create(self.multilingual_engine, language)
        return self._recognizers[key]

    async def scheduler(self, language: str | None = ENGLISH) -> RecognitionScheduler:
        """The scheduler of ``language`` (None: detected per utterance), started on first use."""
        key = language or DETECT
        async with self._lock:
            if key not in self._schedulers:
                recognizer = self._recognizer(language)
                scheduler = RecognitionScheduler(
                    recognizer, workers=self._workers, load=self._cpu_load.busy
                )
                await scheduler.start()
                self._schedulers[key] = scheduler
                log.info(
                    "speech recogniser ready",
                    engine=recognizer.name,
                    language=key,
                    workers=self._workers,
                    interims=headroom.describe(scheduler.interim_share, self._cpu_load.readable),
                )
            return self._schedulers[key]

    def current(self) -> RecognitionScheduler | None:
        """The English scheduler once its model is loaded (None before: nothing is loaded)."""
        return self._schedulers.get(ENGLISH)

    async def open_source(self, source_id: str, language: str | None = ENGLISH) -> LiveRecognizer:
        """Segmentation and recognition for one live source, on the language's scheduler; in
        English its end-pointing also reads the words (a finished sentence ends sooner)."""
        judge = sentences.reads_finished if language == ENGLISH else None
        scheduler = await self.scheduler(language)
        # Off the loop: its voice-activity model takes 60-90 ms to load, per source, and
        # streams that start together would hold every call's audio that long each.
        return await asyncio.to_thread(LiveRecognizer, scheduler, source_id, judge=judge)

    async def close(self) -> None:
        for scheduler in self._schedulers.values():
            await scheduler.close()
        self._schedulers.clear()


__all__ = ["DETECT", "SpeechEngine"]
