"""Finish what died with a node: at start (this server before a restart) and, while running,
what other nodes on the database left when they stopped beating.

A kill -9 leaves a live call or stream ``in_progress`` for ever, with its messages stored but no
end, insights, summary or completion e-mail; a request cut between storing its conversation and
its job leaves the same. Each conversation held by no live node (:mod:`callscribe.cluster`)
and with no job gets a ``finish`` job: the analysis a text job runs, over what was stored,
which ends it (end time from its last message), computes its insights, summary and analytics
and records its completion actions once (their keys dedupe). The node that adopts it does so
in one transaction with the job, so two nodes never both finish it; jobs are durable, so a
crash during recovery is recovered by the next pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callscribe.log import get_logger
from callscribe.records import Conversation, Job
from callscribe.storage import NodeStore, Repository
from callscribe.telephony.lifecycle import CallState, EndReason

log = get_logger(__name__)

FINISH = "finish"
"""The job kind that analyses a conversation's stored messages and completes it."""


@dataclass(frozen=True, slots=True)
class Adopted:
    """A conversation this node took over, the job that finishes it, and why it ended."""

    conversation: Conversation
    job: Job
    reason: EndReason


async def recover(
    repository: Repository, nodes: NodeStore, *, name: str, lease: float
) -> list[Adopted]:
    """Schedule a ``finish`` job for every conversation no live node holds; returns what was
    adopted (the jobs are stored: the job runner claims them). ``name``: this node's (a
    conversation of an earlier node of that name ended in a ``server_restart``, of another in
    ``node_lost``)."""
    live = await nodes.live(lease)
    orphans = await repository.claims.orphaned_conversations(live)
    owners = await nodes.get({c.node_id for c in orphans if c.node_id is not None})
    adopted: list[Adopted] = []
    for conversation in orphans:
        owner = owners.get(conversation.node_id or "")
        reason = (
            EndReason.SERVER_RESTART if owner is None or owner.name == name else EndReason.NODE_LOST
        )
        job = await repository.claims.adopt_with_job(
            conversation, FINISH, _ended(conversation, reason)
        )
        if job is None:
            continue  # another node took it
        log.warning(
            "finishing a conversation a stopped node left in progress",
            conversation_id=conversation.id,
            source=conversation.source,
            reason=reason.value,
            lost_node=conversation.node_id,
            job_id=job.id,
        )
        adopted.append(Adopted(conversation, job, reason))
    return adopted


def _ended(conversation: Conversation, why: EndReason) -> dict[str, Any]:
    """What the metadata says of how it ended: ``endReason`` everywhere; a call's state too."""
    reason = why.value
    changes: dict[str, Any] = {"endReason": reason}
    if conversation.source == "telephony":
        call = dict(conversation.metadata.get("call") or {})
        call.setdefault("connectionId", conversation.settings.get("connectionId"))
        call.update(state=CallState.ENDED.value, endReason=reason)
        changes["call"] = call
    return changes


__all__ = ["FINISH", "Adopted", "recover"]
