"""Runs stored jobs in the background, with bounded concurrency, on one or many nodes.

A job is stored (``scheduled``) before the API answers, so a crash loses no accepted work.
Workers claim jobs from the database (:meth:`Claims.claim_job`: PostgreSQL's ``FOR UPDATE
SKIP LOCKED`` and a conditional update, so each claim goes to exactly one node) for a lease
they renew while the job runs; a job whose node died is claimed again once its lease lapses.
Each job moves ``scheduled -> in_progress -> completed | failed``; a handler's exception
fails only its job (and the conversation it was to produce, with the job's error on it).
Jobs of one conversation (an upload and the appends that follow it) run one at a time, in
the order they were submitted: each reanalyses the whole conversation, and two at once
overwrite each other. A job submitted here wakes a worker at once; jobs stored by other
nodes are found within ``poll`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping

from callscribe.errors import CallscribeError
from callscribe.log import bind, get_logger
from callscribe.metrics import JOBS
from callscribe.records import Job, JobStatus
from callscribe.storage import Repository

log = get_logger(__name__)

JobHandler = Callable[[Job], Awaitable[None]]
JobListener = Callable[[Job, JobStatus], Awaitable[None]]

LOCAL_NODE = "local"
"""The node id of a runner that is the only one on its database (tests, local commands)."""


class LeaseLost(Exception):
    """Another node took over a job this node was running (its lease lapsed)."""


class JobRunner:
    def __init__(
        self,
        repository: Repository,
        handlers: Mapping[str, JobHandler],
        *,
        node: str = LOCAL_NODE,
        name: str | None = None,
        concurrency: int = 2,
        lease: float = 30.0,
        poll: float = 1.0,
        on_finished: JobListener | None = None,
    ) -> None:
        """``node``: this node's id, ``name`` its name (jobs pinned to the name are its own);
        ``lease``: seconds a claim holds without renewal (renewed every third of it);
        ``poll``: how often idle workers look for jobs other nodes stored."""
        self._repo = repository
        self._handlers = dict(handlers)
        self.node = node
        self.name = name or node
        self._concurrency = concurrency
        self.lease = lease
        self._poll = poll
        self._on_finished = on_finished
        self._wake = asyncio.Event()
        self._running = 0

    def submit(self, job: Job) -> None:
        """A job was stored: wake a worker to claim it (it runs on whichever node claims it)."""
        if job.kind not in self._handlers:
            raise ValueError(f"no handler for job kind {job.kind!r}")
        self._wake.set()

    async def wait_idle(self) -> None:
        """Return once no job runs here and none is left for this node (shutdown, tests)."""
        kinds = list(self._handlers)
        # The database is the state polled (jobs of other nodes too): no event to wait on.
        while self._running or await self._repo.claims.has_claimable(self.name, kinds):  # noqa: ASYNC110
            await asyncio.sleep(0.05)

    async def run(self) -> None:
        """Claim and run jobs (those stored before start included) until cancelled."""
        async with asyncio.TaskGroup() as workers:
            for _ in range(self._concurrency):
                workers.create_task(self._worker())

    async def _worker(self) -> None:
        kinds = list(self._handlers)
        while True:
            self._wake.clear()
            self._running += 1  # from the claim on: a job claimed is never unaccounted for
            try:
                job = await self._repo.claims.claim_job(
                    self.node, kinds, self.lease, name=self.name
                )
                if job is not None:
                    self._wake.set()  # there may be more: let another idle worker look
                    await self._run_claimed(job)
            except Exception:
                log.exception("claiming or finishing a job failed; trying again")
                job = None
            finally:
                self._running -= 1
            if job is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll)

    async def _run_claimed(self, job: Job) -> None:
        with bind(job_id=job.id, conversation_id=job.conversation_id, node=self.node):
            if job.attempts > 1:
                log.info("running a job again: the node that had it stopped", kind=job.kind)
            status, error, lost = JobStatus.COMPLETED, None, False
            try:
                async with asyncio.TaskGroup() as tg:
                    renewing = tg.create_task(self._renew(job))
                    await self._handlers[job.kind](job)
                    renewing.cancel()
            except* LeaseLost:
                lost = True
            except* CallscribeError as group:
                failure = _first(group)
                assert isinstance(failure, CallscribeError)
                status, error = JobStatus.FAILED, failure.message
                log.warning("job failed", error=error)
            except* Exception as group:
                crash = _first(group)
                status, error = JobStatus.FAILED, f"internal error: {type(crash).__name__}"
                log.error("job crashed", exc_info=crash)
            if lost:
                log.warning("job taken over by another node; its result is theirs")
                return
            if error is None:
                kept = await self._repo.set_job_status(job.id, status, node=self.node)
            else:
                kept = await self._repo.fail_job(job.id, job.conversation_id, error, node=self.node)
            if not kept:
                log.warning("job taken over by another node before it finished here")
                return
            log.info("job finished", status=status.value)
            JOBS.labels(job.kind, status.value).inc()
            if self._on_finished is not None:
                try:
                    await self._on_finished(job, status)
                except Exception:
                    log.exception("job listener failed")

    async def _renew(self, job: Job) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            if not await self._repo.claims.renew_job(job.id, self.node, self.lease):
                raise LeaseLost(job.id)


def _first(group: BaseExceptionGroup[Exception]) -> Exception:
    """The first real error of a task group's (nested) exception group."""
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    assert isinstance(error, Exception)
    return error


__all__ = ["LOCAL_NODE", "JobHandler", "JobListener", "JobRunner", "LeaseLost"]
