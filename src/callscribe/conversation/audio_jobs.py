"""The ``audio`` job: an uploaded or fetched recording through the same recogniser path as
live calls (VAD-segmented), assembled into whole-sentence messages as a live call's are, then
the same analysis as text conversations. With ``diarization`` (Symbl's
``enableSpeakerDiarization``), the recording's voices give the messages their speakers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from callscribe.asr import RecognitionScheduler, Recognizer, Transcript, transcribe_file
from callscribe.asr.languages import ENGLISH
from callscribe.conversation.fetch import FetchPolicy, download
from callscribe.conversation.ingest import from_assembled
from callscribe.conversation.processing import ConversationProcessor
from callscribe.conversation.uploads import UploadStore
from callscribe.log import get_logger
from callscribe.pipeline.assembly import assemble
from callscribe.pipeline.timeline import SpeakerTimeline
from callscribe.recordings import Recordings
from callscribe.records import Job
from callscribe.speakers.encoder import VoiceEncoder
from callscribe.speakers.offline import diarize_file
from callscribe.storage import Repository

log = get_logger(__name__)


class AudioJobs:
    """Handler of ``audio`` jobs (``params``: ``path`` of an upload or ``url`` to fetch, and
    ``offset``, the seconds after the conversation start where this audio begins; with
    ``diarization``: ``{"speakers": N or None}``, speakers from voices; with ``keepAudio``,
    the audio is kept as the conversation's recording, at its offset; ``language``: what is
    spoken, ISO 639-1, English when absent, None to detect it)."""

    def __init__(
        self,
        repository: Repository,
        processor: ConversationProcessor,
        scheduler: Callable[[str | None], Awaitable[RecognitionScheduler]],
        uploads: UploadStore,
        policy: FetchPolicy,
        voices: Callable[[], Awaitable[VoiceEncoder]],
        recordings: Recordings,
    ) -> None:
        self._repo = repository
        self._processor = processor
        self._scheduler = scheduler
        self._uploads = uploads
        self._policy = policy
        self._voices = voices
        self._recordings = recordings

    async def process_job(self, job: Job) -> None:
        path = await self._audio_of(job)
        wanted = job.params.get("diarization")
        try:
            language = job.params.get("language", ENGLISH)  # None: detected per utterance
            recognizer = (await self._scheduler(language)).recognizer
            encoder = await self._voices() if wanted is not None else None
            transcripts, timeline = await asyncio.to_thread(
                _recognise, path, recognizer, encoder, (wanted or {}).get("speakers")
            )
            if job.params.get("keepAudio"):
                offset = float(job.params.get("offset", 0))
                await self._recordings.keep_file(job.conversation_id, path, offset, job.id)
        finally:
            self._uploads.remove(path)
        conversation = await self._repo.get_conversation(job.app_id, job.conversation_id)
        origin = conversation.start_time + timedelta(seconds=float(job.params.get("offset", 0)))
        await self._repo.add_messages(
            conversation.id, [from_assembled(m, origin) for m in assemble(transcripts, timeline)]
        )
        log.info(
            "audio recognised",
            utterances=len(transcripts),
            speakers=len(timeline.speakers()) if timeline is not None else None,
        )
        await self._processor.process_job(job)

    async def _audio_of(self, job: Job) -> Path:
        if "url" not in job.params:
            return Path(job.params["path"])
        path = await self._uploads.save(
            f"{job.id}.download", download(job.params["url"], self._policy), self._policy.max_bytes
        )
        await self._uploads.check_audio(path)
        return path


def _recognise(
    path: Path, recognizer: Recognizer, encoder: VoiceEncoder | None, speakers: int | None
) -> tuple[list[Transcript], SpeakerTimeline | None]:
    """The recording's utterances and, when an encoder is given, its speakers (blocking)."""
    transcripts = transcribe_file(path, recognizer)
    if encoder is None:
        return transcripts, None
    return transcripts, diarize_file(path, transcripts, encoder, speakers)
