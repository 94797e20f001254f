"""Bodies of the Telephony API (Symbl's ``/v1/endpoint:connect``) and speaker events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from callscribe.api.schemas.base import RequestBody, ResponseBody, Timezone
from callscribe.api.schemas.process import TrackerSpec


class AudioConfig(RequestBody):
    encoding: str | None = None
    sample_rate: int | None = Field(None, ge=8000, le=48000)


class Endpoint(RequestBody):
    type: Literal["pstn", "sip"]
    phone_number: str | None = Field(None, max_length=32)
    uri: str | None = Field(None, max_length=500)
    dtmf: str = Field("", max_length=200)
    audio_config: AudioConfig | None = None
    provider_name: str | None = None

    @model_validator(mode="after")
    def _target(self) -> Endpoint:
        if self.type == "pstn" and not self.phone_number:
            raise ValueError("phoneNumber is required for a pstn endpoint")
        if self.type == "sip" and not self.uri:
            raise ValueError("uri is required for a sip endpoint")
        return self


class Action(RequestBody):
    invoke_on: Literal["start", "stop"]
    name: str = Field(min_length=1, max_length=100)
    parameters: dict[str, Any] = Field(default_factory=dict)


class Session(RequestBody):
    name: str | None = Field(None, max_length=500)


class Data(RequestBody):
    session: Session = Field(default_factory=Session)


class ConnectRequest(RequestBody):
    operation: Literal["start", "stop"]
    connection_id: str | None = None
    endpoint: Endpoint | None = None
    actions: list[Action] = Field(default_factory=list, max_length=20)
    data: Data = Field(default_factory=Data)
    timezone: Timezone | None = None
    enable_all_trackers: bool = False
    languages: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="BCP-47 language of the call's speech, first one used (none: English, or "
        "detected with DETECT_LANGUAGE).",
    )
    insight_types: list[Literal["question", "action_item", "follow_up"]] = Field(
        default_factory=lambda: ["question", "action_item", "follow_up"]  # type: ignore[arg-type]
    )
    trackers: list[TrackerSpec] = Field(default_factory=list, max_length=100)
    push_speaker_events: bool = False
    keep_audio: bool | None = Field(
        None, description="Keep the call's audio (default: the server's KEEP_AUDIO)."
    )

    @model_validator(mode="after")
    def _operation(self) -> ConnectRequest:
        if self.operation == "start" and self.endpoint is None:
            raise ValueError("endpoint is required to start a connection")
        if self.operation == "stop" and not self.connection_id:
            raise ValueError("connectionId is required to stop a connection")
        return self


class Connected(ResponseBody):
    connection_id: str
    conversation_id: str
    result_web_socket_url: str
    event_url: str
    language_code: str | None = Field(
        None, description="The language recognised, as asked (null: English or detected)."
    )
    insights_available: list[str] = Field(
        default_factory=list, description="What the conversation gets in that language."
    )


class SummaryLink(ResponseBody):
    """Symbl's ``summaryInfo`` item: a summary page (for a recipient, when there is one)."""

    url: str
    user: str | None = None


class Stopped(ResponseBody):
    connection_id: str
    conversation_id: str
    summary_info: list[SummaryLink]
    status: dict[str, Any] = Field(description="The call's final state (GET /v1/endpoint/{id}).")


class User(RequestBody):
    user_id: str | None = None
    name: str | None = None
    email: str | None = None


class SpeakerEvent(RequestBody):
    type: Literal["started_speaking", "stopped_speaking"]
    user: User
    timestamp: datetime | None = Field(
        None,
        description="When it happened (ISO 8601; UTC when no offset is given). Placed on the "
        "call's audio by the time its first audio arrived; without one, the event is placed "
        "at its arrival.",
    )

    @field_validator("timestamp")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
