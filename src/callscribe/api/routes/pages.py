"""The conversation page: ``GET /c/{conversationId}/{token}``, HTML, no API token needed.

The link itself is the credential (an HMAC of the id, :class:`callscribe.actions.PageLinks`);
a wrong or revoked token is a 404, the same as an unknown conversation; an expired one a 410.

While the conversation is live the page follows it over ``WS /c/{id}/{token}/live`` (the
events of the subscribe socket, authorised by the same link), and an owner's link
(:meth:`PageLinks.is_owner`) can stop a call or stream with ``POST /c/{id}/{token}/stop``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, WebSocket
from fastapi.responses import HTMLResponse

from callscribe.actions.links import LinkCheck
from callscribe.actions.report import load_report
from callscribe.api.deps import ServicesDep
from callscribe.api.routing import at_holder
from callscribe.api.schemas.conversations import MessageResponse
from callscribe.api.ws import close, follows, refuse, relay, services_of
from callscribe.errors import CallscribeError, Conflict, Gone, NotFound
from callscribe.records import Conversation
from callscribe.services import Services
from callscribe.web import LiveLinks, render_page

router = APIRouter(tags=["pages"])

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def _page_owner(services: Services, conversation_id: str, token: str) -> str:
    """The app of the conversation the link opens; ``NotFound`` or ``Gone`` otherwise."""
    actions = services.actions
    owner = await actions.store.page_owner(conversation_id)
    if owner is None:
        raise NotFound("no such page")
    app_id, epoch = owner
    checked = actions.links.check(conversation_id, token, epoch=epoch)
    if checked is LinkCheck.EXPIRED:
        raise Gone("this summary link has expired: ask its owner for a new one")
    if checked is not LinkCheck.VALID:
        raise NotFound("no such page")
    return app_id


async def _connection_id(services: Services, conversation: Conversation) -> str | None:
    """The live connection of a call or stream whose events can still be followed."""
    connection_id = conversation.settings.get("connectionId")
    if not isinstance(connection_id, str):
        return None
    followed = await follows(services, conversation.app_id, connection_id)
    return connection_id if followed else None


@router.get(
    "/c/{conversation_id}/{token}",
    response_class=HTMLResponse,
    operation_id="summary_page",
    include_in_schema=False,
)
async def summary_page(conversation_id: str, token: str, services: ServicesDep) -> HTMLResponse:
    app_id = await _page_owner(services, conversation_id, token)
    storage = services.storage
    report = await load_report(storage.repository, storage.insights, app_id, conversation_id)
    live = None
    if not report.completed:
        connection_id = await _connection_id(services, report.conversation)
        base = f"/c/{conversation_id}/{token}"
        owner = services.actions.links.is_owner(token) and connection_id is not None
        live = LiveLinks(
            socket=f"{base}/live" if connection_id else None,
            stop=f"{base}/stop" if owner else None,
        )
    return HTMLResponse(render_page(report, live=live), headers=NO_STORE)


@router.websocket("/c/{conversation_id}/{token}/live")
async def page_events(ws: WebSocket, conversation_id: str, token: str) -> None:
    """The live events of the page's conversation (the subscribe socket's, in Symbl's JSON)."""
    await ws.accept()
    services = services_of(ws)
    try:
        app_id = await _page_owner(services, conversation_id, token)
        conversation = await services.repository.get_conversation(app_id, conversation_id)
    except CallscribeError as exc:
        await refuse(ws, "not_found", exc.message)
        return
    connection_id = await _connection_id(services, conversation)
    if connection_id is None:
        await refuse(ws, "not_found", f"conversation {conversation_id} has no live events")
        return
    async with services.bus.subscribe(connection_id) as subscription:
        await relay(subscription, ws)
    await close(ws, 1000, "conversation completed")


@router.post(
    "/c/{conversation_id}/{token}/stop",
    response_model=MessageResponse,
    operation_id="stop_from_page",
    include_in_schema=False,
)
async def stop_from_page(
    conversation_id: str, token: str, request: Request, services: ServicesDep
) -> MessageResponse | Response:
    """The owner's stop button: end the call (hang up) or stream, keeping what was said."""
    app_id = await _page_owner(services, conversation_id, token)
    if not services.actions.links.is_owner(token):
        raise NotFound("this link cannot stop the conversation: only its owner's link can")
    conversation = await services.repository.get_conversation(app_id, conversation_id)
    connection_id = conversation.settings.get("connectionId")
    if not isinstance(connection_id, str):
        raise Conflict(f"conversation {conversation_id} is not live: there is nothing to stop")
    elsewhere = await at_holder(services, request, app_id, connection_id)
    if elsewhere is not None:
        return elsewhere
    connection = services.live.find(connection_id, app_id)
    if connection is None or not connection.live:
        raise Conflict(f"conversation {conversation_id} is not live: there is nothing to stop")
    if connection.call is not None:
        connection.call.stop()
    else:
        connection.session.end()
    return MessageResponse(message=f"stopping the conversation {conversation_id}")
