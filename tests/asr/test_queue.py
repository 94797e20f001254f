"""The scheduling policy, sans-I/O: finals first, round-robin, interims shed."""

from __future__ import annotations

from callscribe.asr.queue import Job, JobQueue


def _job(source: str, kind: str, name: str, at: float = 0.0) -> Job[str]:
    return Job(source, "final" if kind == "final" else "interim", name, at)


def _names(jobs: list[Job[str]]) -> list[str]:
    return [j.payload for j in jobs]


def test_finals_before_interims() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "interim", "a-i1"))
    q.put(_job("b", "final", "b-f1"))
    assert _names(q.take(0.1)[0]) == ["b-f1"]
    assert _names(q.take(0.1)[0]) == ["a-i1"]
    assert q.take(0.1) == ([], [])


def test_newer_interim_replaces_queued_one() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "interim", "a-i1"))
    dropped = q.put(_job("a", "interim", "a-i2"))
    assert _names(dropped) == ["a-i1"]
    assert q.interims_waiting == 1
    assert _names(q.take(0.0)[0]) == ["a-i2"]


def test_final_drops_its_sources_interim_but_not_others() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "interim", "a-i1"))
    q.put(_job("b", "interim", "b-i1"))
    assert _names(q.put(_job("a", "final", "a-f1"))) == ["a-i1"]
    assert q.interims_waiting == 1


def test_stale_interims_are_shed_while_finals_run() -> None:
    q: JobQueue[str] = JobQueue(ttl=1.0)
    q.put(_job("a", "interim", "a-i1", at=0.0))
    q.put(_job("b", "final", "b-f1", at=0.0))
    q.put(_job("c", "interim", "c-i1", at=0.8))
    batch, shed = q.take(1.5)
    assert _names(batch) == ["b-f1"]
    assert _names(shed) == ["a-i1"]
    assert _names(q.take(1.6)[0]) == ["c-i1"]


def test_round_robin_keeps_a_busy_source_from_starving_others() -> None:
    q: JobQueue[str] = JobQueue()
    for i in range(5):
        q.put(_job("busy", "final", f"busy-{i}"))
    q.put(_job("quiet1", "final", "quiet1-0"))
    q.put(_job("quiet2", "final", "quiet2-0"))
    order = []
    while len(q):
        order += _names(q.take(0.0)[0])
    assert order[:3] == ["busy-0", "quiet1-0", "quiet2-0"]
    assert order[3:] == [f"busy-{i}" for i in range(1, 5)]  # per-source order is kept


def test_batches_take_one_final_per_source_and_never_drop_finals() -> None:
    q: JobQueue[str] = JobQueue()
    for source in "abc":
        for i in range(2):
            q.put(_job(source, "final", f"{source}{i}"))
    assert _names(q.take(0.0, max_batch=4)[0]) == ["a0", "b0", "c0"]
    assert _names(q.take(0.0, max_batch=2)[0]) == ["a1", "b1"]
    assert _names(q.take(0.0, max_batch=2)[0]) == ["c1"]
    assert q.finals_waiting == 0


def test_drain_returns_everything() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "final", "a-f"))
    q.put(_job("b", "interim", "b-i"))
    assert sorted(_names(q.drain())) == ["a-f", "b-i"]
    assert len(q) == 0


def test_interims_batch_across_sources_only_when_no_final_waits() -> None:
    q: JobQueue[str] = JobQueue()
    for source in "abc":
        q.put(_job(source, "interim", f"{source}-i"))
    q.put(_job("d", "final", "d-f"))
    assert _names(q.take(0.0, max_batch=4)[0]) == ["d-f"]
    assert _names(q.take(0.0, max_batch=2)[0]) == ["a-i", "b-i"]
    assert _names(q.take(0.0, max_batch=2)[0]) == ["c-i"]
