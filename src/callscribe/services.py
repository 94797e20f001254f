"""The composition root: builds every long-lived part of a server from its settings.

The API, the CLI's local commands and the tests all start the same object, so there is one
place that decides which storage, bus and engines a process uses. Models (speech, NLP) load
once per process, off the event loop: in the background at start (``preload_models``) or on
first use.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from callscribe.actions import Actions, validate_url
from callscribe.asr import create_recognizer
from callscribe.auth import AppService
from callscribe.auth.throttle import LoginThrottle
from callscribe.cluster import Cluster, Node, default_node_url, node_name
from callscribe.config import Settings
from callscribe.conversation.analyzer import NlpWorker
from callscribe.conversation.audio_jobs import AudioJobs
from callscribe.conversation.connections import Connections
from callscribe.conversation.fetch import FetchPolicy
from callscribe.conversation.phone import PhoneService, telephony_config
from callscribe.conversation.processing import ConversationProcessor, llm_endpoint
from callscribe.conversation.recovery import FINISH, Adopted
from callscribe.conversation.registry import LiveRegistry
from callscribe.conversation.speech import SpeechEngine
from callscribe.conversation.uploads import UploadStore
from callscribe.errors import ValidationFailed
from callscribe.events import EventBus, InProcessBus
from callscribe.events.live import CallStateChanged
from callscribe.events.redis_bus import RedisStreamBus
from callscribe.jobs import JobRunner
from callscribe.log import get_logger
from callscribe.pipeline.deps import LiveDeps
from callscribe.recordings import RecordingFiles, Recordings, Retention
from callscribe.recordings.remote import Location, S3Store
from callscribe.speakers.encoder import SAMPLE_RATE, VoiceEncoder, shared_encoder
from callscribe.speakers.encoder import check_installed as check_voice_model
from callscribe.storage import Repository, Storage, open_storage
from callscribe.storage.database import resolve_urls
from callscribe.telephony.lifecycle import CallState

log = get_logger(__name__)


async def voice_model() -> VoiceEncoder:
    """The speaker-embedding model, loaded off the event loop on first use."""
    return await asyncio.to_thread(shared_encoder)


def check_settings(settings: Settings) -> None:
    """Fail before start-up, with a one-line message, on settings no server could run with:
    an engine that is not installed, a malformed trunk or database URL."""
    resolve_urls(settings.sqlalchemy_url)
    telephony_config(settings)
    create_recognizer(settings.asr_engine, cpu_threads=settings.asr_threads)
    if settings.recordings_url:
        Location.parse(settings.recordings_url)
    if settings.speaker_separation:
        check_voice_model()


@dataclass
class Services:
    settings: Settings
    storage: Storage
    apps: AppService
    bus: EventBus
    jobs: JobRunner
    processor: ConversationProcessor
    speech: SpeechEngine
    live: LiveRegistry
    uploads: UploadStore
    fetch_policy: FetchPolicy
    actions: Actions
    recordings: Recordings
    retention: Retention
    node: Node
    cluster: Cluster | None
    """Nodes sharing a Redis (None without ``REDIS_URL``: this process holds everything)."""
    connections: Connections = field(init=False)
    phone: PhoneService = field(init=False)

    def __post_init__(self) -> None:
        self.node.on_adopted = self._announce_end
        self.live.clustered = self.cluster is not None
        self.connections = Connections(self.live, self.bus, self.cluster)
        self.phone = PhoneService(
            self.settings, self.repository, self.live, self.connections, self.live_deps
        )

    @property
    def repository(self) -> Repository:
        return self.storage.repository

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        speech = SpeechEngine(
            settings.asr_engine,
            cpu_threads=settings.asr_threads,
            beam_size=settings.asr_beam_size,
            workers=settings.recognition_workers,
            full_window=settings.asr_full_window,
            padding=settings.asr_padding,
            multilingual_engine=settings.asr_multilingual_engine,
            detect_language=settings.detect_language,
        )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        storage = await open_storage(settings.sqlalchemy_url)
        node = Node(
            storage.nodes,
            storage.repository,
            node_name(settings.data_dir),
            lease=settings.node_lease_seconds,
        )
        storage.repository.node_id = node.id  # the conversations it creates are its own
        secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
        throttle = LoginThrottle(
            settings.login_failures_per_minute, settings.token_checks_per_second
        )
        apps = await AppService.create(
            storage.repository, settings.token_ttl_seconds, secret, throttle
        )
        worker = NlpWorker()
        processor = ConversationProcessor(
            storage.repository, storage.insights, worker, llm_endpoint(settings)
        )
        uploads = UploadStore(settings.data_dir / "uploads")
        policy = FetchPolicy.parse(
            settings.audio_url_allow,
            settings.audio_url_allow_private,
            settings.max_upload_bytes,
            settings.audio_url_timeout,
        )
        remote = None
        if settings.recordings_url:
            remote = S3Store(
                Location.parse(settings.recordings_url),
                endpoint_url=settings.s3_endpoint_url,
                region=settings.s3_region,
            )
        recordings = Recordings(
            storage.recordings,
            RecordingFiles(settings.data_dir / "recordings"),
            settings.keep_audio_format,
            settings.keep_audio,
            remote,
        )
        audio = AudioJobs(
            storage.repository,
            processor,
            speech.scheduler,
            uploads,
            policy,
            voice_model,
            recordings,
        )
        actions = await Actions.create(settings, storage)
        retention = Retention(
            recordings,
            storage.repository,
            lambda item, reason: actions.conversation_deleted(
                item.app_id, item.conversation_id, item.name, reason
            ),
            settings.retention_days,
            settings.retention_scope,
        )
        processor.on_completed = actions.conversation_completed
        jobs = JobRunner(
            storage.repository,
            {
                "text": processor.process_job,
                "audio": audio.process_job,
                FINISH: processor.process_job,
            },
            node=node.id,
            name=node.name,
            lease=settings.node_lease_seconds,
            on_finished=actions.job_finished,
        )
        live = LiveRegistry(max_total=settings.max_live, max_per_app=settings.max_live_per_app)
        cluster = None
        bus: EventBus = InProcessBus()
        if settings.redis_url is not None:
            cluster = Cluster.open(
                settings.redis_url.get_secret_value(),
                node_id=node.id,
                name=node.name,
                url=settings.node_url or default_node_url(settings.host, settings.port),
                capacity=settings.max_live,
                lease=settings.node_lease_seconds,
                live=live.__len__,
            )
            bus = RedisStreamBus(cluster.redis)
        return cls(
            settings,
            storage,
            apps,
            bus,
            jobs,
            processor,
            speech,
            live,
            uploads,
            policy,
            actions,
            recordings,
            retention,
            node,
            cluster,
        )

    def job_params(self, webhook_url: object | None) -> dict[str, Any]:
        """A job's ``webhookUrl``, refused now (400) when it could never be called: a private
        or loopback target, unless ``WEBHOOK_ALLOW_PRIVATE`` is set."""
        if not webhook_url:
            return {}
        try:
            url = validate_url(str(webhook_url), allow_private=self.settings.webhook_allow_private)
        except ValidationFailed as exc:
            raise ValidationFailed(f"webhookUrl: {exc.message}") from exc
        return {"webhookUrl": url}

    def language_settings(self, code: str | None, field: str = "languageCode") -> dict[str, Any]:
        """A conversation's ``languageCode`` as asked and ``language`` as recognised (ISO
        639-1; None: detected per utterance); ``ValidationFailed`` (400) naming the code when
        no installed engine recognises it."""
        return {"languageCode": code, "language": self.speech.language_for(code, field)}

    async def delete_conversation(self, app_id: str, conversation_id: str) -> None:
        """Delete a conversation, everything derived from it and its audio; its
        ``conversation.deleted`` webhooks are recorded first."""
        conversation = await self.repository.get_conversation(app_id, conversation_id)
        await self.actions.conversation_deleted(
            app_id, conversation_id, conversation.name, "request"
        )
        await self.repository.delete_conversation(app_id, conversation_id)
        await self.recordings.remove(conversation_id)

    async def trackers_for(
        self, app_id: str, requested: list[dict[str, Any]], enable_all: bool
    ) -> list[dict[str, Any]]:
        """The request's trackers, plus every tracker stored for the app when asked."""
        trackers = list(requested)
        if enable_all:
            names = {t["name"] for t in trackers}
            trackers += [
                {"name": t.name, "vocabulary": list(t.vocabulary)}
                for t in await self.storage.trackers.find(app_id)
                if t.name not in names
            ]
        return trackers

    def live_deps(self) -> LiveDeps:
        return LiveDeps(
            repository=self.repository,
            insights=self.storage.insights,
            processor=self.processor,
            bus=self.bus,
            open_source=self.speech.open_source,
            summary_url=self.actions.summary_url,
            on_insights=self.actions.insights_created,
            voices=voice_model if self.settings.speaker_separation else None,
            recordings=self.recordings,
        )

    async def run(self) -> None:
        """The background work of a server process; runs until cancelled."""
        await self.node.start()  # finishes what this server left before a restart
        # Before a resumed audio job appends to one:
        await self.recordings.recover(await self.storage.nodes.live(self.node.lease))
        async with asyncio.TaskGroup() as tg:
            if self.settings.preload_models:
                tg.create_task(self._warm_up())
            tg.create_task(self.jobs.run())
            tg.create_task(self.live.supervise())
            tg.create_task(self.actions.run())
            tg.create_task(self.retention.run())
            tg.create_task(self.node.run())
            if self.cluster is not None:
                tg.create_task(self.cluster.run())

    async def _announce_end(self, adopted: Adopted) -> None:
        """The finishing job of a conversation this node took over runs at once; its
        subscribers (on any node, over a shared bus) see it end with the reason, then the end
        of its events."""
        self.jobs.submit(adopted.job)  # finish it now, not at the runner's next poll
        connection_id = adopted.conversation.settings.get("connectionId")
        if not isinstance(connection_id, str) or not await self.bus.known(connection_id):
            return
        if adopted.conversation.source == "telephony":
            detail = "the server holding the call stopped; what was said is kept"
            await self.bus.publish(
                connection_id,
                CallStateChanged(CallState.ENDED.value, adopted.reason.value, None, detail),
            )
        await self.bus.close_channel(connection_id)

    async def _warm_up(self) -> None:
        await self.processor.worker.warm_up()
        await self.speech.scheduler()
        runtime = None
        if self.settings.speaker_separation:
            # else the first call separated by voice loads it while its finals wait
            encoder = await voice_model()
            await asyncio.to_thread(encoder.embed, np.zeros(SAMPLE_RATE, dtype=np.float32))
            runtime = encoder.runtime
        log.info("models loaded", voice_model=runtime)

    def begin_drain(self) -> None:
        """A stop was asked (called from the signal handler, before open connections close):
        no new calls from now, and other nodes are told at once."""
        self.phone.draining = True
        if self.cluster is not None:
            self.cluster.board.announce_draining()

    async def drain(self) -> None:
        """Stopping cleanly, while background work still runs: other nodes stop placing calls
        here, new calls are refused, live calls are hung up (``server_stopped``) and
        completed, with their summaries, within ``DRAIN_SECONDS``."""
        if self.cluster is not None:
            try:
                await self.cluster.drain()
            except Exception as exc:
                log.warning("draining not announced", error=str(exc))
        started = time.monotonic()
        await self.phone.drain(self.settings.drain_seconds)
        left = self.settings.drain_seconds - (time.monotonic() - started)
        await self.actions.settle(max(left, 0.0))  # their summary e-mails go out now

    async def close(self) -> None:
        await self.phone.close()
        try:
            await self.node.stop()
        except Exception:
            log.exception("marking this node stopped failed; others wait for its lease")
        await self.actions.close()
        await self.speech.close()
        self.processor.worker.close()
        await self.storage.close()
        if self.cluster is not None:
            await self.cluster.close()
