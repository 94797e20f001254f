"""Bodies of the Async Audio API's URL routes."""

from __future__ import annotations

from pydantic import AnyHttpUrl, Field

from callscribe.api.schemas.base import RequestBody, Timezone
from callscribe.api.schemas.process import TrackerSpec


class AudioUrlAppend(RequestBody):
    url: AnyHttpUrl
    webhook_url: AnyHttpUrl | None = None


class AudioUrlRequest(AudioUrlAppend):
    name: str | None = Field(None, max_length=500)
    timezone: Timezone | None = None
    enable_all_trackers: bool = False
    confidence_threshold: float | None = Field(None, ge=0.0, le=1.0)
    detect_phrases: bool = False
    trackers: list[TrackerSpec] = Field(default_factory=list, max_length=100)
