"""The Telephony API: ``POST /v1/endpoint:connect`` (start/stop a call), the call's status,
and speaker events (``POST /v1/event/{connectionId}``)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from fastapi import APIRouter, Request, Response, status

from callscribe.api.deps import AppId, ServicesDep
from callscribe.api.routing import at_holder, at_roomier_node
from callscribe.api.schemas.telephony import (
    Connected,
    ConnectRequest,
    Endpoint,
    SpeakerEvent,
    Stopped,
    SummaryLink,
)
from callscribe.asr.languages import insights_available
from callscribe.conversation.call import CallSession
from callscribe.conversation.phone import speaker_of
from callscribe.errors import NotFound, ValidationFailed
from callscribe.records import Conversation, ConversationStatus
from callscribe.services import Services
from callscribe.telephony import DtmfSequence, PstnTarget, SipTarget, Target
from callscribe.telephony.lifecycle import CallState

router = APIRouter(tags=["telephony"])

STOP_WAIT = 60.0


def _target(endpoint: Endpoint) -> Target:
    if endpoint.type == "pstn":
        assert endpoint.phone_number is not None
        return PstnTarget.parse(endpoint.phone_number)
    assert endpoint.uri is not None
    return SipTarget(endpoint.uri)


def _base_urls(request: Request, services: Services) -> tuple[str, str]:
    base = services.settings.public_url or str(request.base_url)
    base = base.rstrip("/")
    ws = "wss" + base[5:] if base.startswith("https") else "ws" + base[4:]
    return base, ws


@router.post("/v1/endpoint:connect", operation_id="endpoint_connect", response_model=None)
async def connect(
    body: ConnectRequest, request: Request, response: Response, app_id: AppId, services: ServicesDep
) -> Connected | Stopped | Response:
    """Start a call (201 at once, while it is being placed) or stop one. On a cluster a stop
    goes to the node holding the call, and a call this node has no room for to the node with
    the most room."""
    if body.operation == "stop":
        assert body.connection_id is not None
        elsewhere = await at_holder(services, request, app_id, body.connection_id)
        if elsewhere is not None:
            return elsewhere
        return await _stop(services, app_id, body.connection_id)
    elsewhere = await at_roomier_node(services, request)
    if elsewhere is not None:
        return elsewhere
    endpoint = body.endpoint
    assert endpoint is not None
    target = _target(endpoint)
    dtmf = DtmfSequence.parse(endpoint.dtmf, field="endpoint.dtmf")
    code = body.languages[0] if body.languages else None
    language = services.language_settings(code, "languages[0]")  # 400 before anything is made
    settings: dict[str, Any] = {
        "actions": [a.model_dump(by_alias=True) for a in body.actions],
        "trackers": await services.trackers_for(
            app_id, [t.model_dump() for t in body.trackers], body.enable_all_trackers
        ),
        "insightTypes": list(body.insight_types),
        "endpoint": {"type": endpoint.type, "target": endpoint.phone_number or endpoint.uri},
        "pushSpeakerEvents": body.push_speaker_events,
        "languages": body.languages,
        **language,
    }
    call = await services.phone.start_call(
        app_id=app_id,
        target=target,
        dtmf=dtmf,
        name=body.data.session.name or "Telephony conversation",
        timezone=body.timezone or "UTC",
        settings=settings,
        insight_types=list(body.insight_types),
        keep_audio=services.recordings.wanted(body.keep_audio),
        language=language["language"],
    )
    await services.actions.conversation_started(call.session.conversation)  # invokeOn "start"
    base, ws = _base_urls(request, services)
    response.status_code = status.HTTP_201_CREATED
    return Connected(
        connection_id=call.connection_id,
        conversation_id=call.session.conversation.id,
        result_web_socket_url=f"{ws}/v1/subscribe/{call.connection_id}",
        event_url=f"{base}/v1/event/{call.connection_id}",
        language_code=code,
        insights_available=insights_available(language["language"]),
    )


async def _stop(services: Services, app_id: str, connection_id: str) -> Stopped:
    call = services.phone.call(app_id, connection_id)
    call.stop()
    # Wait for the conversation to complete; if it takes longer, it completes in the background.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(call.session.completed.wait(), STOP_WAIT)
    conversation = call.session.conversation
    url = services.actions.summary_url(conversation)
    recipients = [
        email
        for action in conversation.settings.get("actions", [])
        if action.get("name") == "sendSummaryEmail"
        for email in action.get("parameters", {}).get("emails", [])
    ]
    return Stopped(
        connection_id=connection_id,
        conversation_id=conversation.id,
        summary_info=[SummaryLink(url=url, user=u) for u in recipients] or [SummaryLink(url=url)],
        status=_status(call),
    )


def _stored_status(connection_id: str, conversation: Conversation) -> dict[str, Any]:
    call: dict[str, Any] = conversation.metadata.get("call") or {}
    started = conversation.start_time.timestamp()
    ended = conversation.end_time.timestamp() if conversation.end_time else None
    return {
        "connectionId": connection_id,
        "conversationId": conversation.id,
        "state": call.get("state", CallState.ENDED.value),
        "endReason": call.get("endReason"),
        "sipStatus": call.get("sipStatus"),
        "detail": call.get("detail"),
        "startedAt": started,
        "listeningAt": call.get("listeningAt"),
        "endedAt": ended,
        "duration": round((ended or started) - started, 3),
        "conversationCompleted": conversation.status is ConversationStatus.COMPLETED,
    }


def _status(call: CallSession) -> dict[str, Any]:
    s = call.status
    return {
        "connectionId": call.connection_id,
        "conversationId": call.session.conversation.id,
        "state": s.state.value,
        "endReason": s.reason.value if s.reason else None,
        "sipStatus": s.sip_status,
        "detail": s.detail,
        "startedAt": s.started_at,
        "listeningAt": s.listening_at,
        "endedAt": s.ended_at,
        "duration": round((s.ended_at or time.time()) - s.started_at, 3),
        "conversationCompleted": call.session.completed.is_set(),
    }


@router.get(
    "/v1/endpoint/{connection_id}", operation_id="get_endpoint", response_model=dict[str, Any]
)
async def endpoint_status(
    connection_id: str, request: Request, app_id: AppId, services: ServicesDep
) -> dict[str, Any] | Response:
    """The call's state and, once ended, why it ended (from the stored conversation when
    no process holds the call any more, as after a restart; from the node holding it when
    that is another)."""
    elsewhere = await at_holder(services, request, app_id, connection_id)
    if elsewhere is not None:
        return elsewhere
    try:
        return _status(services.phone.call(app_id, connection_id))
    except NotFound:
        stored = await services.repository.find_call(app_id, connection_id)
        if stored is None:
            raise
        return _stored_status(connection_id, stored)


@router.post(
    "/v1/event/{connection_id}", operation_id="speaker_event", response_model=dict[str, Any]
)
async def speaker_event(
    connection_id: str,
    body: SpeakerEvent,
    request: Request,
    app_id: AppId,
    services: ServicesDep,
) -> dict[str, Any] | Response:
    """Attribute speech to a person from the moment they start speaking (``started_speaking``)
    until someone else does, or they stop (``stopped_speaking``). The moment is the event's
    ``timestamp`` placed on the call's audio, or the event's arrival when it has none."""
    elsewhere = await at_holder(services, request, app_id, connection_id)
    if elsewhere is not None:
        return elsewhere
    session = services.live.get(connection_id, app_id)
    if session is None:
        raise NotFound(f"no live conversation with connectionId {connection_id}")
    user = body.user.model_dump(by_alias=True, exclude_none=True)
    speaker = speaker_of(user)
    if body.type == "started_speaking":
        if speaker is None:
            raise ValidationFailed("started_speaking needs user.userId, user.name or user.email")
        placed = session.speaker_started(speaker, body.timestamp)
    else:
        placed = session.speaker_stopped(speaker, body.timestamp)
    return {
        "message": f"{body.type} recorded",
        "streamOffset": round(placed.at, 3),
        "placedBy": "timestamp" if placed.by_timestamp else "arrival",
    }
