"""Sans-I/O job queue for recognition shared by many live sources.

Rules, in order of precedence:

1. Finals, then early finals, then interims: while a job of a higher kind waits, none of a
   lower kind is started.
2. Finals are never dropped; sources take turns (round-robin), so one talkative source cannot
   starve the others. A batch takes at most one job per source per turn.
3. An early final is an utterance's likely end, recognised while the end-pointing pause runs:
   at most one per source (a newer one replaces it); :meth:`JobQueue.promote` turns it into a
   final when the utterance does end there, :meth:`JobQueue.withdraw` drops it when not.
4. Interims are shed first: a source has at most one queued interim (a newer one replaces it);
   a source's queued interim is dropped when its final arrives; interims older than ``ttl``
   seconds are dropped rather than run late.

Dropped jobs are returned to the caller, which resolves them as "no result".
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
Kind = Literal["final", "early", "interim"]


@dataclass(slots=True)
class Job(Generic[T]):
    """One recognition request; ``payload`` is opaque to the queue (audio and a future)."""

    source: str
    kind: Kind
    payload: T
    queued_at: float


@dataclass(slots=True)
class JobQueue(Generic[T]):
    """Finals per source, at most one early final and one interim per source, and
    round-robin cursors."""

    ttl: float = 1.0
    _finals: OrderedDict[str, deque[Job[T]]] = field(default_factory=OrderedDict)
    _early: OrderedDict[str, Job[T]] = field(default_factory=OrderedDict)
    _interims: OrderedDict[str, Job[T]] = field(default_factory=OrderedDict)
    _last_source: dict[Kind, str | None] = field(default_factory=dict)

    def put(self, job: Job[T]) -> list[Job[T]]:
        """Queue ``job``; return the jobs it displaced (to be resolved as dropped)."""
        dropped: list[Job[T]] = []
        if job.kind == "final":
            self._finals.setdefault(job.source, deque()).append(job)
            old = self._interims.pop(job.source, None)
        elif job.kind == "early":
            old = self._early.pop(job.source, None)
            self._early[job.source] = job
        else:
            old = self._interims.pop(job.source, None)
            self._interims[job.source] = job
        if old is not None:
            dropped.append(old)
        return dropped

    def promote(self, source: str) -> list[Job[T]]:
        """The source's queued early final becomes a final (keeping its place in time).

        Returns the jobs this displaced (the source's queued interim); raises ``KeyError`` when
        no early final is queued for ``source`` (it already started, or never was).
        """
        job = self._early.pop(source)
        job.kind = "final"
        return self.put(job)

    def queued_early(self, source: str) -> Job[T] | None:
        """The source's early final if it is still queued (not started)."""
        return self._early.get(source)

    def withdraw(self, source: str) -> Job[T] | None:
        """Drop the source's queued early final, if any, and return it."""
        return self._early.pop(source, None)

    def take(
        self, now: float, max_batch: int = 1, *, interims: bool = True
    ) -> tuple[list[Job[T]], list[Job[T]]]:
        """Next jobs to run and the jobs shed.

        A batch is of one kind, at most one job per source and ``max_batch`` long.
        ``interims=False`` takes finals and early finals only (the caller keeps a worker free
        for them, or is spacing interims out).
        """
        shed = [j for j in self._interims.values() if now - j.queued_at > self.ttl]
        for job in shed:
            del self._interims[job.source]
        if self._finals:
            batch: list[Job[T]] = []
            for source in self._rotation(list(self._finals), self._last_source.get("final")):
                if len(batch) >= max_batch:
                    break
                queue = self._finals[source]
                batch.append(queue.popleft())
                if not queue:
                    del self._finals[source]
                self._last_source["final"] = source
            return batch, shed
        if self._early:
            return self._take_one_each(self._early, "early", max_batch), shed
        if not interims:
            return [], shed
        return self._take_one_each(self._interims, "interim", max_batch), shed

    def _take_one_each(
        self, jobs: OrderedDict[str, Job[T]], kind: Kind, max_batch: int
    ) -> list[Job[T]]:
        taken: list[Job[T]] = []
        for source in self._rotation(list(jobs), self._last_source.get(kind)):
            if len(taken) >= max_batch:
                break
            taken.append(jobs.pop(source))
            self._last_source[kind] = source
        return taken

    @staticmethod
    def _rotation(sources: list[str], last: str | None) -> list[str]:
        """Sources in queue order, starting after the one served last."""
        ordered = sorted(sources)
        if last is None:
            return ordered
        after = [s for s in ordered if s > last]
        return after + [s for s in ordered if s <= last]

    def drain(self) -> list[Job[T]]:
        """Remove and return everything queued (on shutdown)."""
        jobs = [j for q in self._finals.values() for j in q]
        jobs += [*self._early.values(), *self._interims.values()]
        self._finals.clear()
        self._early.clear()
        self._interims.clear()
        return jobs

    @property
    def finals_waiting(self) -> int:
        """Queued finals across all sources."""
        return sum(len(q) for q in self._finals.values())

    @property
    def interims_waiting(self) -> int:
        """Queued interims (at most one per source)."""
        return len(self._interims)

    @property
    def early_waiting(self) -> int:
        """Queued early finals (at most one per source)."""
        return len(self._early)

    def __len__(self) -> int:
        return self.finals_waiting + self.early_waiting + self.interims_waiting


__all__ = ["Job", "JobQueue", "Kind"]
