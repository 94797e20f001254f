"""Conversations a dead node left in progress get a ``finish`` job, from exactly one node; what
live nodes hold is left alone (real SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from callscribe.conversation.recovery import FINISH, recover
from callscribe.records import ConversationStatus, JobStatus
from callscribe.storage import Storage
from callscribe.telephony.lifecycle import EndReason

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


async def test_only_orphans_are_finished_and_only_once(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("app1", "one", "hash")
    await storage.nodes.register("before-restart", "host:/data")
    repo.node_id = "before-restart"  # this server, killed: its conversations

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

    await storage.nodes.register("after-restart", "host:/data")  # marks the one before stopped
    repo.node_id = "after-restart"
    adopted = await recover(repo, storage.nodes, name="host:/data", lease=30)
    assert {a.reason for a in adopted} == {EndReason.SERVER_RESTART}  # this server's own
    assert sorted(a.conversation.id for a in adopted) == sorted([call, stream])
    jobs = [a.job for a in adopted]
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

    assert await recover(repo, storage.nodes, name="host:/data", lease=30) == []  # pending
    assert (await repo.get_conversation("app1", call)).node_id == "after-restart"

    found = await repo.find_call("app1", "c-1")  # what GET /v1/endpoint/c-1 answers from
    assert found is not None
    assert found.id == call
    assert await repo.find_call("app1", "c-2") is None
    await repo.create_app("app2", "two", "hash")
    assert await repo.find_call("app2", "c-1") is None


async def test_another_nodes_calls_are_finished_only_once_it_is_dead(storage: Storage) -> None:
    repo, nodes = storage.repository, storage.nodes
    await repo.create_app("app1", "one", "hash")
    await nodes.register("a", "host-a:/data")
    await nodes.register("b", "host-b:/data")
    repo.node_id = "a"
    call = await repo.create_conversation(
        app_id="app1", name="c", source="telephony", start_time=T0, settings={}
    )
    repo.node_id = "b"
    assert await recover(repo, nodes, name="host-b:/data", lease=30) == []  # a is alive

    await asyncio.sleep(1.2)
    await nodes.heartbeat("b")  # b beats on; a has stopped beating
    adopted = await recover(repo, nodes, name="host-b:/data", lease=1)
    assert [(a.job.conversation_id, a.reason) for a in adopted] == [(call.id, EndReason.NODE_LOST)]
    assert (await repo.get_conversation("app1", call.id)).metadata["endReason"] == "node_lost"
    # A second node sweeping at the same time finds nothing left to adopt.
    assert await recover(repo, nodes, name="host-c:/data", lease=1) == []
