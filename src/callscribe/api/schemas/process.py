"""Bodies of the Async APIs (``/v1/process/...``) and of job status."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AnyHttpUrl, AwareDatetime, Field, model_validator

from callscribe.actions import ActionRequest
from callscribe.api.schemas.base import RequestBody, ResponseBody, Timezone
from callscribe.conversation.ingest import ReceivedText
from callscribe.records import Speaker


class Payload(RequestBody):
    content: str = Field(min_length=1, max_length=20_000)
    content_type: Literal["text/plain"] = "text/plain"


class From(RequestBody):
    name: str | None = Field(None, max_length=300)
    user_id: str | None = Field(None, max_length=320)


class Duration(RequestBody):
    start_time: AwareDatetime
    end_time: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Duration:
        if self.end_time < self.start_time:
            raise ValueError("endTime is before startTime")
        return self


class TextMessage(RequestBody):
    payload: Payload
    from_: From | None = Field(None, alias="from")
    duration: Duration | None = None


class TrackerSpec(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    vocabulary: list[str] = Field(min_length=1, max_length=500)


class TextAppend(RequestBody):
    messages: list[TextMessage] = Field(min_length=1, max_length=10_000)
    webhook_url: AnyHttpUrl | None = None


class TextRequest(TextAppend):
    name: str | None = Field(None, max_length=500)
    timezone: Timezone | None = None
    enable_all_trackers: bool = False
    confidence_threshold: float | None = Field(None, ge=0.0, le=1.0)
    detect_phrases: bool = False
    trackers: list[TrackerSpec] = Field(default_factory=list, max_length=100)
    actions: list[ActionRequest] = Field(default_factory=list, max_length=20)


class JobAccepted(ResponseBody):
    conversation_id: str
    job_id: str


class AudioJobAccepted(JobAccepted):
    language_code: str | None = Field(
        None, description="The language recognised, as asked (null: English or detected)."
    )
    insights_available: list[str] = Field(
        default_factory=list, description="What the conversation gets in that language."
    )


class JobStatusResponse(ResponseBody):
    id: str
    status: Literal["scheduled", "in_progress", "completed", "failed"]
    conversation_id: str | None = None
    error: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


def received(messages: list[TextMessage]) -> list[ReceivedText]:
    """The messages as the ingest step takes them (times may be missing)."""
    return [
        ReceivedText(
            text=m.payload.content,
            speaker=Speaker(
                name=m.from_.name if m.from_ else None,
                user_id=m.from_.user_id if m.from_ else None,
            ),
            start=m.duration.start_time if m.duration else None,
            end=m.duration.end_time if m.duration else None,
        )
        for m in messages
    ]
