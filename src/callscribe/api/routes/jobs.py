"""``GET /v1/job/{jobId}``: the status of an async job."""

from __future__ import annotations

from fastapi import APIRouter

from callscribe.api.deps import AppId, ServicesDep
from callscribe.api.schemas.process import JobStatusResponse

router = APIRouter(prefix="/v1/job", tags=["async"])


@router.get(
    "/{job_id}",
    response_model=JobStatusResponse,
    response_model_exclude_none=True,
    operation_id="get_job",
)
async def get_job(job_id: str, app_id: AppId, services: ServicesDep) -> JobStatusResponse:
    job = await services.repository.get_job(app_id, job_id)
    return JobStatusResponse(
        id=job.id,
        status=job.status.value,
        conversation_id=job.conversation_id,
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )
