"""Runs recognition for many live sources on a few worker threads, off the event loop.

The policy (finals first, then early finals, round-robin, interims shed) lives in
:mod:`callscribe.asr.queue`; this is the asyncio adapter: futures for callers, worker tasks that
hand jobs to a thread pool. Two timing rules live here: interims may use at most
``interim_share`` of a worker's time (after an interim batch of *d* seconds, none starts for
``d * (1 - share) / share``), so a final rarely waits behind one; and with several workers, one
is always left for finals. Given the machine's CPU load (``load``), the share shrinks as the
CPUs fill (:mod:`callscribe.asr.headroom`): under load interims are what gives way, so finals
keep the CPU they need. Batches (up to ``max_batch`` jobs of distinct sources, one kind) go
to ``Recognizer.transcribe_batch``. Use it as an async context manager so its tasks end with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType

from callscribe.asr.headroom import interim_share
from callscribe.asr.queue import Job, JobQueue, Kind
from callscribe.asr.types import Audio, Recognizer, Transcript
from callscribe.errors import ServiceError, ValidationFailed
from callscribe.log import get_logger

log = get_logger(__name__)

Result = asyncio.Future[Transcript | None]
INTERIM_SHARE = 0.5
"""The most of a worker's time interims may use (with CPU to spare)."""


@dataclass(slots=True)
class _Work:
    audio: Audio
    future: Result


@dataclass(slots=True)
class SchedulerStats:
    """Counters for monitoring and benchmarks."""

    finals: int = 0
    early: int = 0
    early_withdrawn: int = 0
    interims: int = 0
    interims_shed: int = 0
    batches: int = 0
    busy_by_kind: dict[str, float] = field(default_factory=dict)
    interim_share: float = INTERIM_SHARE
    """The share of a worker's time interims were last allowed (shrinks as the CPUs fill)."""

    @property
    def busy_seconds(self) -> float:
        """Worker time spent recognising, all kinds together."""
        return sum(self.busy_by_kind.values())


class RecognitionScheduler:
    """Shared recogniser front: ``await final(...)``; ``await interim(...)`` may give None.

    Early finals (:meth:`submit_early`) let a source start recognising an utterance's likely
    end while its end-pointing pause is still running; :meth:`promote` or :meth:`withdraw`
    settles them once the source knows.
    """

    def __init__(
        self,
        recognizer: Recognizer,
        *,
        workers: int = 1,
        max_batch: int = 8,
        interim_ttl: float = 1.0,
        interim_share: float = INTERIM_SHARE,
        load: Callable[[], float | None] | None = None,
    ) -> None:
        """``interim_share``: the most of a worker's time interims may use; ``load``: the
        share of the machine's CPUs busy (0..1, None unknown), read before each interim."""
        if workers < 1 or max_batch < 1:
            raise ValidationFailed("scheduler workers and max_batch must be at least 1")
        if not 0.0 < interim_share <= 1.0:
            raise ValidationFailed("scheduler interim_share must be in (0, 1]")
        self.interim_share = interim_share
        self._load = load
        self._interims_after = 0.0
        self.recognizer = recognizer
        self.workers = workers
        self.max_batch = max_batch
        self.stats = SchedulerStats(interim_share=interim_share)
        self._queue: JobQueue[_Work] = JobQueue(ttl=interim_ttl)
        self._wakeup = asyncio.Event()
        self._pool: ThreadPoolExecutor | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self._interims_running = 0

    async def __aenter__(self) -> RecognitionScheduler:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Load the model (in a thread) and start the workers."""
        if self._pool is not None:
            return
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="asr")
        await asyncio.get_running_loop().run_in_executor(self._pool, self.recognizer.warm_up)
        self._tasks = [
            asyncio.create_task(self._worker(), name=f"asr-worker-{i}") for i in range(self.workers)
        ]

    async def close(self) -> None:
        """Stop the workers; queued jobs fail with a retryable ``ServiceError``."""
        self._closed = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for job in self._queue.drain():
            if not job.payload.future.done():
                job.payload.future.set_exception(
                    ServiceError("speech recogniser shut down", retryable=True)
                )
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def submit_final(self, source: str, audio: Audio) -> Result:
        """Queue a final; its future gets a :class:`Transcript` (never None)."""
        return self._submit(source, "final", audio)

    def submit_interim(self, source: str, audio: Audio) -> Result:
        """Queue an interim; its future gets None if it was shed."""
        return self._submit(source, "interim", audio)

    def submit_early(self, source: str, audio: Audio) -> Result:
        """Queue an early final (replacing the source's queued one); its future gets a
        :class:`Transcript`, or None if it was withdrawn or replaced before it started."""
        return self._submit(source, "early", audio)

    def promote(self, source: str, future: Result) -> None:
        """The early final behind ``future`` is the utterance's end: run it as a final.

        Nothing to do if it has already started (or finished).
        """
        job = self._queue.queued_early(source)
        if job is not None and job.payload.future is future:
            self._resolve_dropped(self._queue.promote(source))
            self._wakeup.set()

    def withdraw(self, source: str) -> None:
        """The source's early final is not the end: drop it if it has not started."""
        job = self._queue.withdraw(source)
        if job is not None:
            self.stats.early_withdrawn += 1
            if not job.payload.future.done():
                job.payload.future.set_result(None)

    async def final(self, source: str, audio: Audio) -> Transcript:
        """Recognise a finished utterance."""
        result = await self.submit_final(source, audio)
        assert result is not None
        return result

    async def interim(self, source: str, audio: Audio) -> Transcript | None:
        """A live hypothesis, or None when load shedding dropped it."""
        return await self.submit_interim(source, audio)

    @property
    def backlog(self) -> int:
        """Jobs queued and not yet started."""
        return len(self._queue)

    def _submit(self, source: str, kind: Kind, audio: Audio) -> Result:
        if self._closed or self._pool is None:
            raise ServiceError("speech recogniser is not running", retryable=True)
        future: Result = asyncio.get_running_loop().create_future()
        job: Job[_Work] = Job(source, kind, _Work(audio, future), time.monotonic())
        self._resolve_dropped(self._queue.put(job))
        self._wakeup.set()
        return future

    def _resolve_dropped(self, jobs: list[Job[_Work]]) -> None:
        for job in jobs:
            if job.kind == "interim":
                self.stats.interims_shed += 1
            else:
                self.stats.early_withdrawn += 1
            if not job.payload.future.done():
                job.payload.future.set_result(None)

    async def _worker(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            # with several workers, interims may occupy all but one: a final never waits for one
            # and interims get at most ``interim_share`` of the time, so finals find a free worker
            now = time.monotonic()
            slot_free = self._interims_running < max(1, self.workers - 1)
            allow = slot_free and now >= self._interims_after
            batch, shed = self._queue.take(now, self.max_batch, interims=allow)
            self._resolve_dropped(shed)
            if not batch:
                self._wakeup.clear()
                # interims waiting for their spacing: wake when it is over; waiting for a
                # busy interim slot: the interim's end sets the wakeup
                spacing = self._queue.interims_waiting and slot_free
                pause = max(self._interims_after - now, 0.001) if spacing else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), pause)
                continue
            if len(self._queue):
                self._wakeup.set()  # let another worker pick up the rest
            started = time.monotonic()
            interim = batch[0].kind == "interim"
            self._interims_running += interim
            try:
                results = await loop.run_in_executor(self._pool, self._run, batch)
            except Exception as exc:
                log.warning("recognition failed", error=str(exc), jobs=len(batch))
                for job in batch:
                    if not job.payload.future.done():
                        job.payload.future.set_exception(exc)
                continue
            finally:
                self._interims_running -= interim
                if interim:
                    spent = time.monotonic() - started
                    share = self._share()
                    rest = spent * (1.0 - share) / share
                    self._interims_after = max(self._interims_after, time.monotonic() + rest)
                    self._wakeup.set()  # an interim slot is free again
            spent = time.monotonic() - started
            kind = batch[0].kind
            self.stats.busy_by_kind[kind] = self.stats.busy_by_kind.get(kind, 0.0) + spent
            self.stats.batches += 1
            for job, result in zip(batch, results, strict=True):
                if job.kind == "final":
                    self.stats.finals += 1
                elif job.kind == "early":
                    self.stats.early += 1
                else:
                    self.stats.interims += 1
                if not job.payload.future.done():
                    job.payload.future.set_result(result)

    def _share(self) -> float:
        """Interims' share of a worker now: the most allowed, less as the CPUs fill."""
        busy = self._load() if self._load is not None else None
        self.stats.interim_share = interim_share(self.interim_share, busy)
        return self.stats.interim_share

    def _run(self, batch: list[Job[_Work]]) -> list[Transcript]:
        """In a worker thread: one job or a batch of one kind (early finals run as finals)."""
        if len(batch) > 1:
            audios = [job.payload.audio for job in batch]
            return self.recognizer.transcribe_batch(audios, interim=batch[0].kind == "interim")
        if batch[0].kind == "interim":
            return [self.recognizer.transcribe_interim(batch[0].payload.audio)]
        return [self.recognizer.transcribe(batch[0].payload.audio)]


__all__ = ["INTERIM_SHARE", "RecognitionScheduler", "SchedulerStats"]
