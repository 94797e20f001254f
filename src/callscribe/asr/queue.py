"""Sans-I/O job queue for recognition shared by many live sources.

Rules, in order of precedence:

1. Finals before interims: while any final waits, no interim is started.
2. Finals are never dropped; sources take turns (round-robin), so one talkative source cannot
   starve the others. A batch takes at most one job per source per turn.
3. Interims are shed first: a source has at most one queued interim (a newer one replaces it);
   a source's queued interim is dropped when its final arrives; interims older than ``ttl``
   seconds are dropped rather than run late.

Dropped jobs are returned to the caller, which resolves them as "no result".
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
Kind = Literal["final", "interim"]


@dataclass(slots=True)
class Job(Generic[T]):
    """One recognition request; ``payload`` is opaque to the queue (audio and a future)."""

    source: str
    kind: Kind
    payload: T
    queued_at: float


@dataclass(slots=True)
class JobQueue(Generic[T]):
    """Finals per source, at most one interim per source, and a round-robin cursor."""

    ttl: float = 1.0
    _finals: OrderedDict[str, deque[Job[T]]] = field(default_factory=OrderedDict)
    _interims: OrderedDict[str, Job[T]] = field(default_factory=OrderedDict)
    _last_final_source: str | None = None
    _last_interim_source: str | None = None

    def put(self, job: Job[T]) -> list[Job[T]]:
        """Queue ``job``; return the jobs it displaced (to be resolved as dropped)."""
        dropped: list[Job[T]] = []
        if job.kind == "final":
            self._finals.setdefault(job.source, deque()).append(job)
            old = self._interims.pop(job.source, None)
            if old is not None:
                dropped.append(old)
        else:
            old = self._interims.pop(job.source, None)
            if old is not None:
                dropped.append(old)
            self._interims[job.source] = job
        return dropped

    def take(
        self, now: float, max_batch: int = 1, *, interims: bool = True
    ) -> tuple[list[Job[T]], list[Job[T]]]:
        """Next jobs to run and the jobs shed.

        A batch is all finals or all interims, at most one per source and ``max_batch`` long.
        ``interims=False`` takes finals only (the caller keeps a worker free for them).
        """
        shed = [j for j in self._interims.values() if now - j.queued_at > self.ttl]
        for job in shed:
            del self._interims[job.source]
        if self._finals:
            batch: list[Job[T]] = []
            for source in self._rotation(list(self._finals), self._last_final_source):
                if len(batch) >= max_batch:
                    break
                queue = self._finals[source]
                batch.append(queue.popleft())
                if not queue:
                    del self._finals[source]
                self._last_final_source = source
            return batch, shed
        taken: list[Job[T]] = []
        if not interims:
            return taken, shed
        for source in self._rotation(list(self._interims), self._last_interim_source):
            if len(taken) >= max_batch:
                break
            taken.append(self._interims.pop(source))
            self._last_interim_source = source
        return taken, shed

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
        jobs = [j for q in self._finals.values() for j in q] + list(self._interims.values())
        self._finals.clear()
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

    def __len__(self) -> int:
        return self.finals_waiting + self.interims_waiting


__all__ = ["Job", "JobQueue", "Kind"]
