"""At start, conversations a dead process left in progress get a ``finish`` job (real DB)."""

from __future__ import annotations

from datetime import UTC, datetime

from callscribe.conversation.recovery import FINISH, recover
from callscribe.records import ConversationStatus, JobStatus
from callscribe.storage import Storage

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


async def test_only_orphans_are_finished_and_only_once(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("app1", "one", "hash")

    async def conversation(source: str, **settings: str) -> str:
        conv = await repo.create_conversation(
            app_id="app1", name=source, source=source, start_time=T0, settings=settings
        )
        return conv.id

    call = await conversation("telephony", connectionId="c-1")
    stream = await conversation("streaming")
    queued = await conversation("audio")
    await repo.create_job("app1", queued, "audio")  # its job will finish it
    done = await conversation("text")
    await repo.finish_conversation(done, ConversationStatus.COMPLETED, T0)

    jobs = await recover(repo)
    assert sorted(j.conversation_id for j in jobs) == sorted([call, stream])
    assert {j.kind for j in jobs} == {FINISH}
    assert all(j.status is JobStatus.SCHEDULED for j in jobs)
    phoned = await repo.get_conversation("app1", call)
    assert phoned.metadata["endReason"] == "server_restart"
    assert phoned.metadata["call"] == {
        "connectionId": "c-1",
        "state": "ended",
        "endReason": "server_restart",
    }
    streamed = await repo.get_conversation("app1", stream)
    assert streamed.metadata == {"endReason": "server_restart"}

    assert await recover(repo) == []  # their finish jobs are pending: nothing new

    found = await repo.find_call("app1", "c-1")  # what GET /v1/endpoint/c-1 answers from
    assert found is not None
    assert found.id == call
    assert await repo.find_call("app1", "c-2") is None
    await repo.create_app("app2", "two", "hash")
    assert await repo.find_call("app2", "c-1") is None
