"""The summary page: ``GET /c/{conversationId}/{token}``, HTML, no API token needed.

The link itself is the credential (an HMAC of the id, :class:`callscribe.actions.PageLinks`);
a wrong or revoked token is a 404, the same as an unknown conversation; an expired one a 410.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from callscribe.actions.links import LinkCheck
from callscribe.actions.report import load_report
from callscribe.api.deps import ServicesDep
from callscribe.errors import Gone, NotFound
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
    owner = await actions.store.page_owner(conversation_id)
    if owner is None:
        raise NotFound("no such page")
    app_id, epoch = owner
    checked = actions.links.check(conversation_id, token, epoch=epoch)
    if checked is LinkCheck.EXPIRED:
        raise Gone("this summary link has expired: ask its owner for a new one")
    if checked is not LinkCheck.VALID:
        raise NotFound("no such page")
    storage = services.storage
    report = await load_report(storage.repository, storage.insights, app_id, conversation_id)
    return HTMLResponse(
        render_page(report),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
