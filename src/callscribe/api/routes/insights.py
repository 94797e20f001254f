"""Insight routes of the Conversation API: questions, action items, follow-ups, topics,
entities, trackers, summary, analytics, and the legacy combined ``/insights``.

Results appear as they are computed: during a live call these lists grow; the summary alone
is a 404 until the conversation has been completely processed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from callscribe.api.deps import AppId, ServicesDep
from callscribe.conversation.documents import ANALYTICS, SUMMARY, TOPICS
from callscribe.errors import NotFound
from callscribe.insights.records import Analytics, SummaryItem, Topic
from callscribe.records import ConversationStatus
from callscribe.symbl.insights import (
    Members,
    analytics_json,
    entities_json,
    insight_json,
    question_json,
    summary_json,
    task_json,
    topic_json,
    trackers_json,
)

router = APIRouter(prefix="/v1/conversations/{conversation_id}", tags=["insights"])

Json = dict[str, Any]


@router.get("/questions", operation_id="get_questions")
async def questions(conversation_id: str, app_id: AppId, services: ServicesDep) -> Json:
    conv = await services.repository.get_conversation(app_id, conversation_id)
    items = await services.storage.insights.insights(conversation_id, ["question"])
    members = Members(conv.members)
    return {"questions": [question_json(i, members) for i in items]}


@router.get("/action-items", operation_id="get_action_items")
async def action_items(conversation_id: str, app_id: AppId, services: ServicesDep) -> Json:
    conv = await services.repository.get_conversation(app_id, conversation_id)
    items = await services.storage.insights.insights(conversation_id, ["action_item"])
    members = Members(conv.members)
    return {"actionItems": [task_json(i, members) for i in items]}


@router.get("/follow-ups", operation_id="get_follow_ups")
async def follow_ups(conversation_id: str, app_id: AppId, services: ServicesDep) -> Json:
    conv = await services.repository.get_conversation(app_id, conversation_id)
    items = await services.storage.insights.insights(conversation_id, ["follow_up"])
    members = Members(conv.members)
    return {"followUps": [task_json(i, members) for i in items]}


@router.get("/insights", operation_id="get_insights")
async def all_insights(conversation_id: str, app_id: AppId, services: ServicesDep) -> Json:
    """The legacy combined list: questions, action items and follow-ups in order found."""
    conv = await services.repository.get_conversation(app_id, conversation_id)
    items = await services.storage.insights.insights(conversation_id)
    members = Members(conv.members)
    return {"insights": [insight_json(i, members) for i in items]}


@router.get("/topics", operation_id="get_topics")
async def topics(
    conversation_id: str,
    app_id: AppId,
    services: ServicesDep,
    sentiment: bool = False,
    parent_refs: Annotated[bool, Query(alias="parentRefs")] = False,
) -> Json:
    await services.repository.get_conversation(app_id, conversation_id)
    found = await services.storage.insights.document(conversation_id, TOPICS, tuple[Topic, ...])
    return {
        "topics": [
            topic_json(n, t, sentiment=sentiment, parent_refs=parent_refs)
            for n, t in enumerate(found or ())
        ]
    }


@router.get("/entities", operation_id="get_entities")
async def entities(conversation_id: str, app_id: AppId, services: ServicesDep) -> Json:
    await services.repository.get_conversation(app_id, conversation_id)
    messages = await services.repository.list_messages(conversation_id)
    analyses = await services.storage.insights.analyses(conversation_id)
    return {"entities": entities_json(messages, analyses)}


@router.get("/trackers-detected", operation_id="get_trackers_detected")
async def trackers_detected(
    conversation_id: str, app_id: AppId, services: ServicesDep
) -> list[Json]:
    await services.repository.get_conversation(app_id, conversation_id)
    messages = await services.repository.list_messages(conversation_id)
    analyses = await services.storage.insights.analyses(conversation_id)
    items = await services.storage.insights.insights(conversation_id)
    return trackers_json(messages, analyses, items)


@router.get("/summary", operation_id="get_summary")
async def summary(conversation_id: str, app_id: AppId, services: ServicesDep) -> Json:
    """The summary; 404 while the conversation is still being processed."""
    conv = await services.repository.get_conversation(app_id, conversation_id)
    found = await services.storage.insights.document(
        conversation_id, SUMMARY, tuple[SummaryItem, ...]
    )
    if conv.status is ConversationStatus.IN_PROGRESS or found is None:
        raise NotFound(
            f"the summary of conversation {conversation_id} is not ready: "
            "the conversation is still being processed"
        )
    return {"summary": [summary_json(n, s) for n, s in enumerate(found)]}


@router.get("/analytics", operation_id="get_analytics")
async def analytics(conversation_id: str, app_id: AppId, services: ServicesDep) -> Json:
    conv = await services.repository.get_conversation(app_id, conversation_id)
    found = await services.storage.insights.document(conversation_id, ANALYTICS, Analytics)
    if found is None:
        return {"metrics": [], "members": []}
    return analytics_json(found, Members(conv.members))
