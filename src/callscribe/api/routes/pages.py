"""The summary page: ``GET /c/{conversationId}/{token}``, HTML, no API token needed.

The link itself is the credential (an HMAC of the id, :class:`callscribe.actions.PageLinks`);
a wrong token is a 404, the same as an unknown conversation.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from callscribe.actions.report import load_report
from callscribe.api.deps import ServicesDep
from callscribe.errors import NotFound
from callscribe.web import render_page

router = APIRouter(tags=["pages"])


@router.get(
    "/c/{conversation_id}/{token}",
    response_class=HTMLResponse,
    operation_id="summary_page",
    include_in_schema=False,
)
async def summary_page(conversation_id: str, token: str, services: ServicesDep) -> HTMLResponse:
    actions = services.actions
    app_id = await actions.store.conversation_app(conversation_id)
    if app_id is None or not actions.links.verify(conversation_id, token):
        raise NotFound("no such page")
    storage = services.storage
    report = await load_report(storage.repository, storage.insights, app_id, conversation_id)
    return HTMLResponse(
        render_page(report),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
