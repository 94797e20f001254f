"""Trackers stored per app (Symbl's Management API, ``/v1/manage/tracker(s)``).

A conversation started with ``enableAllTrackers: true`` spots every tracker of its app, in
addition to the ``trackers`` given in the request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import Field

from callscribe.api.deps import AppId, ServicesDep
from callscribe.api.schemas.base import RequestBody
from callscribe.storage import StoredTracker

router = APIRouter(prefix="/v1/manage", tags=["trackers"])


class TrackerBody(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    vocabulary: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=500
    )


def _json(t: StoredTracker) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "vocabulary": list(t.vocabulary)}


@router.post("/tracker", status_code=status.HTTP_201_CREATED, operation_id="create_tracker")
async def create_tracker(body: TrackerBody, app_id: AppId, services: ServicesDep) -> dict[str, Any]:
    tracker = await services.storage.trackers.create(app_id, body.name, body.vocabulary)
    return {"tracker": _json(tracker)}


@router.get("/trackers", operation_id="list_trackers")
async def list_trackers(
    app_id: AppId, services: ServicesDep, name: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    return {"trackers": [_json(t) for t in await services.storage.trackers.find(app_id, name)]}


@router.get("/tracker/{tracker_id}", operation_id="get_tracker")
async def get_tracker(tracker_id: str, app_id: AppId, services: ServicesDep) -> dict[str, Any]:
    return {"tracker": _json(await services.storage.trackers.get(app_id, tracker_id))}


@router.put("/tracker/{tracker_id}", operation_id="update_tracker")
async def update_tracker(
    tracker_id: str, body: TrackerBody, app_id: AppId, services: ServicesDep
) -> dict[str, Any]:
    tracker = await services.storage.trackers.update(app_id, tracker_id, body.name, body.vocabulary)
    return {"tracker": _json(tracker)}


@router.delete("/tracker/{tracker_id}", operation_id="delete_tracker")
async def delete_tracker(tracker_id: str, app_id: AppId, services: ServicesDep) -> dict[str, str]:
    await services.storage.trackers.delete(app_id, tracker_id)
    return {"message": f"tracker {tracker_id} deleted"}
