"""The scheduling policy, sans-I/O: finals first, round-robin, interims shed."""

from __future__ import annotations

from callscribe.asr.queue import Job, JobQueue, Kind


def _job(source: str, kind: Kind, name: str, at: float = 0.0) -> Job[str]:
    return Job(source, kind, name, at)


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


def test_early_finals_rank_between_finals_and_interims() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "interim", "a-i1"))
    q.put(_job("b", "early", "b-e1"))
    q.put(_job("c", "final", "c-f1"))
    assert _names(q.take(0.1)[0]) == ["c-f1"]
    assert _names(q.take(0.1, interims=False)[0]) == ["b-e1"]  # not held back with interims
    assert _names(q.take(0.1)[0]) == ["a-i1"]


def test_newer_early_final_replaces_queued_one() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "early", "a-e1"))
    assert _names(q.put(_job("a", "early", "a-e2"))) == ["a-e1"]
    assert q.early_waiting == 1


def test_promote_makes_a_final_and_drops_the_sources_interim() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "early", "a-e1"))
    q.put(_job("a", "interim", "a-i1"))
    q.put(_job("b", "final", "b-f1", at=0.0))
    assert _names(q.promote("a")) == ["a-i1"]
    assert (q.early_waiting, q.finals_waiting, q.interims_waiting) == (0, 2, 0)
    batch, _ = q.take(0.1, max_batch=4)
    assert sorted(_names(batch)) == ["a-e1", "b-f1"]
    assert {j.kind for j in batch} == {"final"}


def test_withdraw_removes_only_a_queued_early_final() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "early", "a-e1"))
    q.put(_job("a", "final", "a-f0"))
    job = q.withdraw("a")
    assert job is not None
    assert job.payload == "a-e1"
    assert q.withdraw("a") is None
    assert q.queued_early("a") is None
    assert _names(q.take(0.1)[0]) == ["a-f0"]


def test_drain_includes_early_finals() -> None:
    q: JobQueue[str] = JobQueue()
    q.put(_job("a", "early", "a-e1"))
    q.put(_job("b", "interim", "b-i1"))
    assert sorted(_names(q.drain())) == ["a-e1", "b-i1"]
    assert len(q) == 0
