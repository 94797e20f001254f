"""Runs jobs in the background with bounded concurrency, inside the server's task group.

A job is stored (``scheduled``) before the API answers, so a crash loses no accepted work: at
start-up the runner picks up every job a previous process left unfinished. Each job moves
``scheduled -> in_progress -> completed | failed``; a handler's exception fails only its job
(and the conversation it was to produce, with the job's error on it). Jobs of one
conversation (an upload and the appends that follow it) run one at a time, in the order they
were submitted: each reanalyses the whole conversation, and two at once overwrite each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from callscribe.errors import CallscribeError
from callscribe.log import bind, get_logger
from callscribe.metrics import JOBS
from callscribe.records import Job, JobStatus
from callscribe.storage import Repository

log = get_logger(__name__)

JobHandler = Callable[[Job], Awaitable[None]]
JobListener = Callable[[Job, JobStatus], Awaitable[None]]


class _Turn:
    """Who holds or waits for a conversation's turn (``asyncio.Lock`` wakes waiters in
    order)."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


class JobRunner:
    def __init__(
        self,
        repository: Repository,
        handlers: Mapping[str, JobHandler],
        *,
        concurrency: int = 2,
        on_finished: JobListener | None = None,
    ) -> None:
        self._repo = repository
        self._handlers = dict(handlers)
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._concurrency = concurrency
        self._on_finished = on_finished
        self._idle = asyncio.Event()
        self._idle.set()
        self._pending = 0
        self._turns: dict[str, _Turn] = {}

    def submit(self, job: Job) -> None:
        """Queue a stored job; it runs as soon as a worker is free."""
        if job.kind not in self._handlers:
            raise ValueError(f"no handler for job kind {job.kind!r}")
        self._pending += 1
        self._idle.clear()
        self._queue.put_nowait(job)

    async def wait_idle(self) -> None:
        """Return once every submitted job has finished (for orderly shutdown and tests)."""
        await self._idle.wait()

    async def run(self) -> None:
        """Resume unfinished jobs, then serve the queue until cancelled."""
        for job in await self._repo.unfinished_jobs():
            log.info("resuming job", job_id=job.id, kind=job.kind)
            self.submit(job)
        async with asyncio.TaskGroup() as workers:
            for _ in range(self._concurrency):
                workers.create_task(self._worker())

    async def _worker(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._run_one(job)
            finally:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    async def _run_one(self, job: Job) -> None:
        turn = self._turns.setdefault(job.conversation_id, _Turn())
        turn.waiting += 1
        try:
            async with turn.lock:
                await self._run_alone(job)
        finally:
            turn.waiting -= 1
            if turn.waiting == 0:
                del self._turns[job.conversation_id]

    async def _run_alone(self, job: Job) -> None:
        with bind(job_id=job.id, conversation_id=job.conversation_id):
            await self._repo.set_job_status(job.id, JobStatus.IN_PROGRESS)
            status, error = JobStatus.COMPLETED, None
            try:
                await self._handlers[job.kind](job)
            except asyncio.CancelledError:
                raise
            except CallscribeError as exc:
                status, error = JobStatus.FAILED, exc.message
                log.warning("job failed", error=exc.message)
            except Exception as exc:
                status, error = JobStatus.FAILED, f"internal error: {type(exc).__name__}"
                log.exception("job crashed")
            if error is None:
                await self._repo.set_job_status(job.id, status)
            else:
                await self._repo.fail_job(job.id, job.conversation_id, error)
            log.info("job finished", status=status.value)
            JOBS.labels(job.kind, status.value).inc()
            if self._on_finished is not None:
                try:
                    await self._on_finished(job, status)
                except Exception:
                    log.exception("job listener failed")
