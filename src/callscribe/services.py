"""The composition root: builds every long-lived part of a server from its settings.

The API, the CLI's local commands and the tests all start the same object, so there is one
place that decides which storage, bus and engines a process uses. Models (speech, NLP) load
once per process, off the event loop: in the background at start (``preload_models``) or on
first use.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from callscribe.asr import RecognitionScheduler, create_recognizer
from callscribe.auth import AppService
from callscribe.config import Settings
from callscribe.conversation.analyzer import NlpWorker
from callscribe.conversation.live import LiveDeps
from callscribe.conversation.processing import ConversationProcessor, llm_endpoint
from callscribe.conversation.registry import LiveRegistry
from callscribe.events import InProcessBus
from callscribe.jobs import JobRunner
from callscribe.log import get_logger
from callscribe.storage import Repository, Storage, open_storage

log = get_logger(__name__)


@dataclass
class Services:
    settings: Settings
    storage: Storage
    apps: AppService
    bus: InProcessBus
    jobs: JobRunner
    processor: ConversationProcessor
    live: LiveRegistry
    _scheduler: RecognitionScheduler | None = None
    _scheduler_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def repository(self) -> Repository:
        return self.storage.repository

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        storage = await open_storage(settings.sqlalchemy_url)
        secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
        apps = await AppService.create(storage.repository, settings.token_ttl_seconds, secret)
        worker = NlpWorker()
        processor = ConversationProcessor(
            storage.repository, storage.insights, worker, llm_endpoint(settings)
        )
        jobs = JobRunner(storage.repository, {"text": processor.process_job})
        live = LiveRegistry(max_total=settings.max_live, max_per_app=settings.max_live_per_app)
        return cls(settings, storage, apps, InProcessBus(), jobs, processor, live)

    async def scheduler(self) -> RecognitionScheduler:
        """The process's speech recogniser front, loaded on first use."""
        async with self._scheduler_lock:
            if self._scheduler is None:
                recognizer = create_recognizer(
                    self.settings.asr_engine,
                    cpu_threads=self.settings.asr_threads,
                    beam_size=self.settings.asr_beam_size,
                )
                scheduler = RecognitionScheduler(recognizer)
                await scheduler.start()
                self._scheduler = scheduler
                log.info("speech recogniser ready", engine=self.settings.asr_engine)
            return self._scheduler

    def live_deps(self) -> LiveDeps:
        return LiveDeps(
            repository=self.repository,
            insights=self.storage.insights,
            processor=self.processor,
            bus=self.bus,
            scheduler=self.scheduler,
        )

    async def run(self) -> None:
        """The background work of a server process; runs until cancelled."""
        async with asyncio.TaskGroup() as tg:
            if self.settings.preload_models:
                tg.create_task(self._warm_up())
            tg.create_task(self.jobs.run())
            tg.create_task(self.live.supervise())

    async def _warm_up(self) -> None:
        await self.processor.worker.warm_up()
        await self.scheduler()
        log.info("models loaded")

    async def close(self) -> None:
        if self._scheduler is not None:
            await self._scheduler.close()
        self.processor.worker.close()
        await self.storage.close()
