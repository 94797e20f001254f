"""At start, finish what died with the previous process.

A kill -9 leaves a live call or stream ``in_progress`` for ever, with its messages stored but no
end, insights, summary or completion e-mail; a request cut between storing its conversation and
its job leaves the same. Each such conversation gets a ``finish`` job: the analysis a text job
runs, over what was stored, which ends it (end time from its last message), computes its
insights, summary and analytics and records its completion actions once (their keys dedupe).
Jobs are durable, so a crash during recovery is recovered at the next start.

One process per database today: with several nodes, "no job" must become "no live node holds
it" (a lease), or a node starting would finish another node's live calls.
"""

from __future__ import annotations

from typing import Any

from callscribe.log import get_logger
from callscribe.records import Conversation, Job
from callscribe.storage import Repository
from callscribe.telephony.lifecycle import CallState, EndReason

log = get_logger(__name__)

FINISH = "finish"
"""The job kind that analyses a conversation's stored messages and completes it."""


async def recover(repository: Repository) -> list[Job]:
    """Schedule a ``finish`` job for every orphaned conversation; returns the jobs (stored, to
    be picked up with the other unfinished jobs)."""
    jobs: list[Job] = []
    for conversation in await repository.orphaned_conversations():
        await repository.update_conversation_metadata(conversation.id, _ended(conversation))
        job = await repository.create_job(conversation.app_id, conversation.id, FINISH)
        log.warning(
            "finishing a conversation the previous process left in progress",
            conversation_id=conversation.id,
            source=conversation.source,
            job_id=job.id,
        )
        jobs.append(job)
    return jobs


def _ended(conversation: Conversation) -> dict[str, Any]:
    """What the metadata says of how it ended: ``endReason`` everywhere; a call's state too."""
    reason = EndReason.SERVER_RESTART.value
    changes: dict[str, Any] = {"endReason": reason}
    if conversation.source == "telephony":
        call = dict(conversation.metadata.get("call") or {})
        call.setdefault("connectionId", conversation.settings.get("connectionId"))
        call.update(state=CallState.ENDED.value, endReason=reason)
        changes["call"] = call
    return changes


__all__ = ["FINISH", "recover"]
