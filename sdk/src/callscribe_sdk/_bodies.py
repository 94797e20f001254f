"""Request bodies of the Async APIs and the Streaming API, built from Python values.

Pure functions: they validate what can be checked without the server (and raise
``ValueError`` naming the argument), and return the JSON the server expects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Json = dict[str, Any]
INSIGHT_TYPES = ("question", "action_item", "follow_up")


@dataclass(frozen=True, slots=True)
class TextMessage:
    """One message of a text conversation; times are optional (aware datetimes)."""

    text: str
    speaker: str | None = None
    user_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def to_json(self) -> Json:
        out: Json = {"payload": {"content": self.text, "contentType": "text/plain"}}
        if self.speaker or self.user_id:
            out["from"] = {"name": self.speaker, "userId": self.user_id}
        if self.start is not None and self.end is not None:
            out["duration"] = {"startTime": self.start.isoformat(), "endTime": self.end.isoformat()}
        elif (self.start is None) != (self.end is None):
            raise ValueError("TextMessage: give both start and end, or neither")
        return out


def message_json(message: TextMessage | Mapping[str, Any] | str, index: int) -> Json:
    """A message as Symbl's JSON: a :class:`TextMessage`, a plain string, or a Symbl dict."""
    if isinstance(message, TextMessage):
        return message.to_json()
    if isinstance(message, str):
        return TextMessage(message).to_json()
    if isinstance(message, Mapping):
        if "payload" not in message:
            raise ValueError(
                f"messages[{index}]: a dict message needs 'payload': {{'content': ...}}"
            )
        return dict(message)
    raise ValueError(
        f"messages[{index}]: expected TextMessage, str or dict, got {type(message).__name__}"
    )


def trackers_json(trackers: Mapping[str, Sequence[str]] | None) -> list[Json]:
    """``{"Pricing": ["price", "discount"]}`` -> Symbl's ``[{"name", "vocabulary"}]``."""
    out: list[Json] = []
    for name, vocabulary in (trackers or {}).items():
        if isinstance(vocabulary, str) or not vocabulary:
            raise ValueError(f"trackers[{name!r}]: give a non-empty list of phrases")
        out.append({"name": name, "vocabulary": list(vocabulary)})
    return out


def _options(
    name: str | None,
    detect_phrases: bool,
    trackers: Mapping[str, Sequence[str]] | None,
    confidence_threshold: float | None,
    webhook_url: str | None,
) -> Json:
    body: Json = {"detectPhrases": detect_phrases}
    if name is not None:
        body["name"] = name
    if trackers:
        body["trackers"] = trackers_json(trackers)
    if confidence_threshold is not None:
        body["confidenceThreshold"] = confidence_threshold
    if webhook_url is not None:
        body["webhookUrl"] = webhook_url
    return body


def text_body(
    messages: Iterable[TextMessage | Mapping[str, Any] | str],
    *,
    name: str | None = None,
    detect_phrases: bool = False,
    trackers: Mapping[str, Sequence[str]] | None = None,
    confidence_threshold: float | None = None,
    webhook_url: str | None = None,
) -> Json:
    items = [message_json(m, n) for n, m in enumerate(messages)]
    if not items:
        raise ValueError("messages: give at least one message")
    return {
        "messages": items,
        **_options(name, detect_phrases, trackers, confidence_threshold, webhook_url),
    }


def audio_url_body(
    url: str,
    *,
    name: str | None = None,
    detect_phrases: bool = False,
    trackers: Mapping[str, Sequence[str]] | None = None,
    confidence_threshold: float | None = None,
    webhook_url: str | None = None,
) -> Json:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"url must start with http:// or https://, got {url!r}")
    return {
        "url": url,
        **_options(name, detect_phrases, trackers, confidence_threshold, webhook_url),
    }


def audio_params(
    name: str | None,
    detect_phrases: bool,
    webhook_url: str | None,
    keep_audio: bool | None = None,
) -> Json:
    params: Json = {"detectPhrases": "true" if detect_phrases else "false"}
    if keep_audio is not None:
        params["keepAudio"] = "true" if keep_audio else "false"
    if name is not None:
        params["name"] = name
    if webhook_url is not None:
        params["webhookUrl"] = webhook_url
    return params


_CONTENT_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".webm": "audio/webm",
}


def content_type_for(suffix: str) -> str:
    """The ``Content-Type`` to upload a file with (the server sniffs the content anyway)."""
    return _CONTENT_TYPES.get(suffix.lower(), "application/octet-stream")


def start_request(
    *,
    encoding: str,
    sample_rate: int,
    channels: int,
    name: str | None,
    speaker_name: str | None,
    speaker_user_id: str | None,
    insight_types: Sequence[str],
    trackers: Mapping[str, Sequence[str]] | None,
    language_code: str = "en-US",
    timezone_offset: int | None = None,
    keep_audio: bool | None = None,
) -> Json:
    """The Streaming API's first message."""
    unknown = [t for t in insight_types if t not in INSIGHT_TYPES]
    if unknown:
        raise ValueError(f"insight_types: unknown {unknown}; choose from {list(INSIGHT_TYPES)}")
    config: Json = {
        "languageCode": language_code,
        "speechRecognition": {
            "encoding": encoding,
            "sampleRateHertz": sample_rate,
            "audioChannelCount": channels,
        },
    }
    if name is not None:
        config["meetingTitle"] = name
    if timezone_offset is not None:
        config["timezoneOffset"] = timezone_offset
    body: Json = {
        "type": "start_request",
        "insightTypes": list(insight_types),
        "config": config,
        "trackers": trackers_json(trackers),
    }
    if speaker_name or speaker_user_id:
        body["speaker"] = {"name": speaker_name, "userId": speaker_user_id}
    if keep_audio is not None:
        body["keepAudio"] = keep_audio
    return body


STOP_REQUEST: Json = {"type": "stop_request"}
