"""The composition root: builds every long-lived part of a server from its settings.

The API, the CLI's local commands and the tests all start the same object, so there is one
place that decides which storage, bus and engines a process uses.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from callscribe.auth import AppService
from callscribe.config import Settings
from callscribe.conversation.analyzer import NlpWorker
from callscribe.conversation.processing import ConversationProcessor, llm_endpoint
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
        return cls(settings, storage, apps, InProcessBus(), jobs, processor)

    async def run(self) -> None:
        """The background work of a server process; runs until cancelled."""
        async with asyncio.TaskGroup() as tg:
            if self.settings.preload_models:
                tg.create_task(self._warm_up())
            tg.create_task(self.jobs.run())

    async def _warm_up(self) -> None:
        await self.processor.worker.warm_up()
        log.info("models loaded")

    async def close(self) -> None:
        self.processor.worker.close()
        await self.storage.close()
