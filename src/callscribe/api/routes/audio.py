"""The Async Audio API: a recording (raw body or multipart) or its URL in, a job out.

Uploads are streamed to disk and checked to be decodable audio before the 201, so a bad
file is a 415 naming the problem. URLs are checked against the allow-list at once and
fetched by the job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from starlette.datastructures import UploadFile

from callscribe.api.deps import AppId, ServicesDep
from callscribe.api.schemas.audio import AudioUrlAppend, AudioUrlRequest
from callscribe.api.schemas.base import Timezone
from callscribe.api.schemas.process import AudioJobAccepted
from callscribe.asr.languages import ENGLISH, insights_available
from callscribe.conversation.fetch import check_url
from callscribe.errors import Conflict, ValidationFailed
from callscribe.records import ConversationStatus, new_uuid
from callscribe.services import Services
from callscribe.storage import RecordingStatus

router = APIRouter(prefix="/v1/process/audio", tags=["async"])

MULTIPART = "multipart/form-data"

Diarize = Annotated[
    bool,
    Query(
        alias="enableSpeakerDiarization",
        description="Tell the speakers of the recording apart by their voices.",
    ),
]
SpeakerCount = Annotated[
    int | None,
    Query(
        alias="diarizationSpeakerCount",
        ge=1,
        le=20,
        description="How many people speak (with enableSpeakerDiarization=true).",
    ),
]
LanguageCode = Annotated[
    str | None,
    Query(
        alias="languageCode",
        max_length=35,
        description="BCP-47 language of the speech (en-US, es-ES…); none: English (or, for "
        "appends, the conversation's language), or detected with DETECT_LANGUAGE.",
    ),
]
KeepAudio = Annotated[
    bool | None,
    Query(
        alias="keepAudio",
        description="Keep the audio as the conversation's recording (GET "
        "/v1/conversations/{id}/audio); default: the server's KEEP_AUDIO, and for appends "
        "whether the conversation's audio is kept.",
    ),
]


def diarization(enabled: bool, speakers: int | None) -> dict[str, Any]:
    """Job params for Symbl's speaker diarization query parameters."""
    if speakers is not None and not enabled:
        raise ValidationFailed("diarizationSpeakerCount needs enableSpeakerDiarization=true")
    return {"diarization": {"speakers": speakers}} if enabled else {}


async def _body_chunks(request: Request) -> AsyncIterator[bytes]:
    """The audio of a raw body, or of the first file field of a multipart form."""
    if request.headers.get("content-type", "").startswith(MULTIPART):
        form = await request.form()
        upload = next((v for v in form.values() if isinstance(v, UploadFile)), None)
        if upload is None:
            raise ValidationFailed("multipart body has no file field (send the audio as 'file')")
        while chunk := await upload.read(1 << 16):
            yield chunk
        return
    async for chunk in request.stream():
        if chunk:
            yield chunk


async def _accept(
    services: Services,
    app_id: str,
    conversation_id: str,
    params: dict[str, Any],
    request: Request | None,
) -> AudioJobAccepted:
    """Store the upload (if any) under the job's name, then schedule the job."""
    job_id = new_uuid()
    if request is not None:
        uploads = services.uploads
        path = await uploads.save(job_id, _body_chunks(request), services.settings.max_upload_bytes)
        await uploads.check_audio(path)
        params = {**params, "path": str(path)}
    # An upload is in this node's data directory: this node runs its job.
    job = await services.repository.create_job(
        app_id,
        conversation_id,
        "audio",
        params,
        job_id=job_id,
        node_affinity=services.node.name if request is not None else None,
    )
    services.jobs.submit(job)
    language = params.get("language", ENGLISH)
    return AudioJobAccepted(
        conversation_id=conversation_id,
        job_id=job.id,
        language_code=params.get("languageCode"),
        insights_available=insights_available(language),
    )


async def _new_conversation(
    services: Services,
    app_id: str,
    name: str | None,
    settings: dict[str, Any],
    timezone: str | None = None,
) -> str:
    conversation = await services.repository.create_conversation(
        app_id=app_id,
        name=name or "Audio conversation",
        source="audio",
        start_time=datetime.now(UTC),
        timezone=timezone or "UTC",
        settings=settings,
    )
    return conversation.id


async def _appendable(
    services: Services,
    app_id: str,
    conversation_id: str,
    keep_audio: bool | None,
    language_code: str | None,
) -> dict[str, Any]:
    """Job params for appending: the audio starts where the conversation's messages end, or
    where its kept audio ends if later (so the recording's times are the transcript's)."""
    conversation = await services.repository.get_conversation(app_id, conversation_id)
    if conversation.source != "audio":
        raise Conflict(
            f"conversation {conversation_id} came from {conversation.source}, not audio; "
            "only audio conversations can be appended to with this route"
        )
    if language_code is not None:  # a 400 here changes nothing
        language = services.language_settings(language_code)
    else:
        stored = conversation.settings
        language = {
            "languageCode": stored.get("languageCode"),
            "language": stored.get("language", ENGLISH),
        }
    messages = await services.repository.list_messages(conversation_id)
    end = messages[-1].end if messages else conversation.start_time
    offset = (end - conversation.start_time).total_seconds() + 1.0
    recording = await services.recordings.store.get(conversation_id)
    kept = recording is not None and recording.status is not RecordingStatus.EXPIRED
    if recording is not None and kept:
        offset = max(offset, recording.seconds)
    if conversation.status is not ConversationStatus.IN_PROGRESS:
        await services.repository.reopen_conversation(conversation_id)
    return {
        "offset": offset,
        **_keep(services, kept if keep_audio is None else keep_audio),
        **language,
    }


def _keep(services: Services, requested: bool | None) -> dict[str, Any]:
    return {"keepAudio": True} if services.recordings.wanted(requested) else {}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AudioJobAccepted,
    operation_id="process_audio",
)
async def process_audio(
    request: Request,
    app_id: AppId,
    services: ServicesDep,
    name: Annotated[str | None, Query(max_length=500)] = None,
    webhook_url: Annotated[str | None, Query(alias="webhookUrl")] = None,
    detect_phrases: Annotated[bool, Query(alias="detectPhrases")] = False,
    enable_all_trackers: Annotated[bool, Query(alias="enableAllTrackers")] = False,
    timezone: Annotated[Timezone | None, Query()] = None,
    diarize: Diarize = False,
    speakers: SpeakerCount = None,
    keep_audio: KeepAudio = None,
    language_code: LanguageCode = None,
) -> AudioJobAccepted:
    """A recording as the raw body (``Content-Type: audio/...``) or a multipart ``file``."""
    language = services.language_settings(language_code)
    params = {
        **services.job_params(webhook_url),
        **diarization(diarize, speakers),
        **_keep(services, keep_audio),
        **language,
    }
    trackers = await services.trackers_for(app_id, [], enable_all_trackers)
    settings = {"detectPhrases": detect_phrases, "trackers": trackers, **language}
    conversation_id = await _new_conversation(services, app_id, name, settings, timezone)
    try:
        return await _accept(services, app_id, conversation_id, params, request)
    except BaseException:
        await services.repository.delete_conversation(app_id, conversation_id)
        raise


@router.put(
    "/{conversation_id}",
    status_code=status.HTTP_201_CREATED,
    response_model=AudioJobAccepted,
    operation_id="append_audio",
)
async def append_audio(
    conversation_id: str,
    request: Request,
    app_id: AppId,
    services: ServicesDep,
    diarize: Diarize = False,
    speakers: SpeakerCount = None,
    keep_audio: KeepAudio = None,
    language_code: LanguageCode = None,
) -> AudioJobAccepted:
    extra = diarization(diarize, speakers)
    appended = await _appendable(services, app_id, conversation_id, keep_audio, language_code)
    params = {**appended, **extra}
    return await _accept(services, app_id, conversation_id, params, request)


@router.post(
    "/url",
    status_code=status.HTTP_201_CREATED,
    response_model=AudioJobAccepted,
    operation_id="process_audio_url",
)
async def process_audio_url(
    body: AudioUrlRequest,
    app_id: AppId,
    services: ServicesDep,
    diarize: Diarize = False,
    speakers: SpeakerCount = None,
    keep_audio: KeepAudio = None,
    language_code: LanguageCode = None,
) -> AudioJobAccepted:
    """A recording by URL: checked against the allow-list now, fetched by the job."""
    check_url(str(body.url), services.fetch_policy)
    language = services.language_settings(language_code)
    params: dict[str, Any] = {
        **services.job_params(body.webhook_url),
        **diarization(diarize, speakers),
        **_keep(services, keep_audio),
        **language,
        "url": str(body.url),
    }
    trackers = await services.trackers_for(
        app_id, [t.model_dump() for t in body.trackers], body.enable_all_trackers
    )
    conversation_id = await _new_conversation(
        services,
        app_id,
        body.name,
        {"detectPhrases": body.detect_phrases, "trackers": trackers, **language},
        body.timezone,
    )
    return await _accept(services, app_id, conversation_id, params, None)


@router.put(
    "/url/{conversation_id}",
    status_code=status.HTTP_201_CREATED,
    response_model=AudioJobAccepted,
    operation_id="append_audio_url",
)
async def append_audio_url(
    conversation_id: str,
    body: AudioUrlAppend,
    app_id: AppId,
    services: ServicesDep,
    diarize: Diarize = False,
    speakers: SpeakerCount = None,
    keep_audio: KeepAudio = None,
    language_code: LanguageCode = None,
) -> AudioJobAccepted:
    check_url(str(body.url), services.fetch_policy)
    extra = diarization(diarize, speakers)
    appended = await _appendable(services, app_id, conversation_id, keep_audio, language_code)
    params = {**appended, **extra}
    params["url"] = str(body.url)
    return await _accept(services, app_id, conversation_id, params, None)
