"""The Streaming API's client messages (Symbl's ``start_request`` and ``stop_request``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from callscribe.api.schemas.base import RequestBody
from callscribe.api.schemas.process import TrackerSpec


class SpeechRecognition(RequestBody):
    encoding: str = "LINEAR16"
    sample_rate_hertz: int = Field(16000, ge=8000, le=48000)
    audio_channel_count: int = Field(1, ge=1, le=2)


class StreamConfig(RequestBody):
    confidence_threshold: float | None = Field(None, ge=0.0, le=1.0)
    language_code: str | None = Field(
        None,
        max_length=35,
        description="BCP-47 language of the speech (en-US, es-ES…); none: English, or detected "
        "with DETECT_LANGUAGE.",
    )
    timezone_offset: int | None = Field(None, ge=-840, le=840, description="Minutes from UTC.")
    meeting_title: str | None = Field(None, max_length=500)
    speech_recognition: SpeechRecognition = Field(default_factory=SpeechRecognition)


class StreamSpeaker(RequestBody):
    user_id: str | None = Field(None, max_length=320)
    name: str | None = Field(None, max_length=300)


InsightType = Literal["question", "action_item", "follow_up"]
ALL_INSIGHT_TYPES: list[InsightType] = ["question", "action_item", "follow_up"]


class StartRequest(RequestBody):
    type: Literal["start_request"]
    insight_types: list[InsightType] = Field(default_factory=lambda: list(ALL_INSIGHT_TYPES))
    config: StreamConfig = Field(default_factory=StreamConfig)
    speaker: StreamSpeaker | None = None
    trackers: list[TrackerSpec] = Field(default_factory=list, max_length=100)
    enable_all_trackers: bool = False
    no_connection_timeout: int = Field(0, ge=0, le=3600)
    disconnect_on_stop_request: bool = True
    keep_audio: bool | None = Field(
        None, description="Keep the stream's audio (default: the server's KEEP_AUDIO)."
    )
