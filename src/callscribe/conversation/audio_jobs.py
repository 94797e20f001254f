"""The ``audio`` job: an uploaded or fetched recording through the same recogniser path as
live calls (VAD-segmented), assembled into whole-sentence messages as a live call's are, then
the same analysis as text conversations."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from callscribe.asr import RecognitionScheduler, transcribe_file
from callscribe.conversation.fetch import FetchPolicy, download
from callscribe.conversation.ingest import from_assembled
from callscribe.conversation.processing import ConversationProcessor
from callscribe.conversation.uploads import UploadStore
from callscribe.log import get_logger
from callscribe.model import Job
from callscribe.pipeline.assembly import assemble
from callscribe.storage import Repository

log = get_logger(__name__)


class AudioJobs:
    """Handler of ``audio`` jobs (``params``: ``path`` of an upload or ``url`` to fetch, and
    ``offset``, the seconds after the conversation start where this audio begins)."""

    def __init__(
        self,
        repository: Repository,
        processor: ConversationProcessor,
        scheduler: Callable[[], Awaitable[RecognitionScheduler]],
        uploads: UploadStore,
        policy: FetchPolicy,
    ) -> None:
        self._repo = repository
        self._processor = processor
        self._scheduler = scheduler
        self._uploads = uploads
        self._policy = policy

    async def process_job(self, job: Job) -> None:
        path = await self._audio_of(job)
        try:
            recognizer = (await self._scheduler()).recognizer
            transcripts = await asyncio.to_thread(transcribe_file, path, recognizer)
        finally:
            self._uploads.remove(path)
        conversation = await self._repo.get_conversation(job.app_id, job.conversation_id)
        origin = conversation.start_time + timedelta(seconds=float(job.params.get("offset", 0)))
        await self._repo.add_messages(
            conversation.id, [from_assembled(m, origin) for m in assemble(transcripts)]
        )
        log.info("audio recognised", utterances=len(transcripts))
        await self._processor.process_job(job)

    async def _audio_of(self, job: Job) -> Path:
        if "url" not in job.params:
            return Path(job.params["path"])
        path = await self._uploads.save(
            f"{job.id}.download", download(job.params["url"], self._policy), self._policy.max_bytes
        )
        await self._uploads.check_audio(path)
        return path
