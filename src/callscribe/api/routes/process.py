"""The Async Text API: submit a conversation as text, append to it, processed in the background."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, status

from callscribe.actions import stored_actions
from callscribe.api.deps import AppId, ServicesDep
from callscribe.api.schemas.process import JobAccepted, TextAppend, TextRequest, received
from callscribe.conversation.ingest import timed_messages
from callscribe.errors import Conflict
from callscribe.records import ConversationStatus
from callscribe.services import Services

router = APIRouter(prefix="/v1/process", tags=["async"])


async def _schedule(
    services: Services, app_id: str, conversation_id: str, params: dict[str, object]
) -> JobAccepted:
    job = await services.repository.create_job(app_id, conversation_id, "text", params)
    services.jobs.submit(job)
    return JobAccepted(conversation_id=conversation_id, job_id=job.id)


@router.post(
    "/text",
    status_code=status.HTTP_201_CREATED,
    response_model=JobAccepted,
    operation_id="process_text",
)
async def process_text(body: TextRequest, app_id: AppId, services: ServicesDep) -> JobAccepted:
    """Store the messages (committed before answering), then analyse them in the background."""
    params = services.job_params(body.webhook_url)
    items = received(body.messages)
    origin = next((r.start for r in items if r.start), None) or datetime.now(UTC)
    settings = {
        "confidenceThreshold": body.confidence_threshold,
        "detectPhrases": body.detect_phrases,
        "trackers": await services.trackers_for(
            app_id, [t.model_dump() for t in body.trackers], body.enable_all_trackers
        ),
        "actions": stored_actions(body.actions),
    }
    conversation, job = await services.repository.create_with_job(
        app_id=app_id,
        name=body.name or "Text conversation",
        source="text",
        start_time=origin,
        timezone=body.timezone or "UTC",
        settings=settings,
        messages=timed_messages(items, origin),
        kind="text",
        params=params,
    )
    services.jobs.submit(job)
    return JobAccepted(conversation_id=conversation.id, job_id=job.id)


@router.put(
    "/text/{conversation_id}",
    status_code=status.HTTP_201_CREATED,
    response_model=JobAccepted,
    operation_id="append_text",
)
async def append_text(
    conversation_id: str, body: TextAppend, app_id: AppId, services: ServicesDep
) -> JobAccepted:
    """Append messages to a text conversation and process it again."""
    params = services.job_params(body.webhook_url)
    repo = services.repository
    conversation = await repo.get_conversation(app_id, conversation_id)
    if conversation.source != "text":
        raise Conflict(
            f"conversation {conversation_id} came from {conversation.source}, not text; "
            "only text conversations can be appended to with this route"
        )
    previous = await repo.list_messages(conversation_id)
    origin = previous[-1].end if previous else conversation.start_time
    await repo.add_messages(conversation_id, timed_messages(received(body.messages), origin))
    if conversation.status is not ConversationStatus.IN_PROGRESS:
        await repo.reopen_conversation(conversation_id)
    return await _schedule(services, app_id, conversation_id, params)
