"""The Conversation API: conversations, their messages and members."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from callscribe.api.deps import AppId, ServicesDep
from callscribe.api.schemas.conversations import (
    SUMMARY_EXPERIENCE,
    ConversationOut,
    ConversationsOut,
    ExperienceOut,
    ExperienceRequest,
    MemberOut,
    MembersOut,
    MemberUpdate,
    MessageOut,
    MessageResponse,
    MessagesOut,
    action_out,
    conversation_out,
    member_out,
    message_out,
    sentiment_out,
)
from callscribe.errors import RangeNotSatisfiable, ValidationFailed
from callscribe.symbl.times import iso_z

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])

MAX_OFFSET = 2**31 - 1
"""Past any real listing, and within every database's integer (SQLite overflows at 2**63)."""


@router.get("", response_model=ConversationsOut, operation_id="list_conversations")
async def list_conversations(
    app_id: AppId,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ConversationsOut:
    """This app's conversations, newest first."""
    rows = await services.repository.list_conversations(app_id, limit=limit, offset=offset)
    return ConversationsOut(conversations=[conversation_out(c) for c in rows])


@router.get("/{conversation_id}", response_model=ConversationOut, operation_id="get_conversation")
async def get_conversation(
    conversation_id: str, app_id: AppId, services: ServicesDep
) -> ConversationOut:
    out = conversation_out(await services.repository.get_conversation(app_id, conversation_id))
    out.actions = [action_out(a) for a in await services.actions.status(conversation_id)]
    return out


@router.delete(
    "/{conversation_id}", response_model=MessageResponse, operation_id="delete_conversation"
)
async def delete_conversation(
    conversation_id: str, app_id: AppId, services: ServicesDep
) -> MessageResponse:
    """Delete the conversation and everything derived from it."""
    await services.delete_conversation(app_id, conversation_id)
    return MessageResponse(message=f"successfully deleted the conversation {conversation_id}")


@router.get(
    "/{conversation_id}/audio",
    response_class=FileResponse,
    operation_id="get_conversation_audio",
    responses={200: {"content": {"audio/ogg": {}, "audio/flac": {}}}, 206: {}, 416: {}},
)
async def get_audio(
    conversation_id: str, request: Request, app_id: AppId, services: ServicesDep
) -> Response:
    """The conversation's kept audio (``keepAudio``), Ogg/Opus or FLAC; HTTP ranges are
    honoured, so players can seek and downloads can resume."""
    await services.repository.get_conversation(app_id, conversation_id)  # 404 if not the app's
    recordings = services.recordings
    audio = await recordings.download(conversation_id)
    headers = {"X-Audio-Duration": f"{audio.seconds:.3f}"}
    if audio.path is not None:
        return FileResponse(
            audio.path, media_type=audio.media_type, filename=audio.filename, headers=headers
        )
    # In S3: one byte range at most (what players and resuming downloads ask for).
    wanted = request.headers.get("range")
    ranged = wanted is not None and wanted.startswith("bytes=") and "," not in wanted
    try:
        part = await recordings.read(audio, wanted if ranged else None)
    except RangeNotSatisfiable as exc:
        return JSONResponse(
            {"message": exc.message},
            status_code=416,
            headers={"Content-Range": f"bytes */{exc.size}"},
        )
    headers |= {
        "Content-Length": str(part.length),
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'attachment; filename="{audio.filename}"',
    }
    if part.content_range is not None:
        headers["Content-Range"] = part.content_range
    return StreamingResponse(
        iterate_in_threadpool(part.chunks),
        status_code=206 if part.content_range is not None else 200,
        media_type=audio.media_type,
        headers=headers,
    )


@router.post(
    "/{conversation_id}/experiences",
    response_model=ExperienceOut,
    operation_id="create_experience",
    response_model_exclude_none=True,
)
async def create_experience(
    conversation_id: str, body: ExperienceRequest, app_id: AppId, services: ServicesDep
) -> ExperienceOut:
    """A link to the conversation's summary page (Symbl's ``verbose-text-summary``) that
    needs no token and expires after ``summaryURLExpiresIn`` seconds (0: never)."""
    if body.name != SUMMARY_EXPERIENCE:
        raise ValidationFailed(
            f"name: {body.name!r} is not offered; callscribe serves {SUMMARY_EXPERIENCE!r}"
        )
    conversation = await services.repository.get_conversation(app_id, conversation_id)
    expires_in = body.summary_url_expires_in
    url, expires_at = services.actions.links.summary_link(
        conversation, expires_in, owner=body.owner
    )
    return ExperienceOut(
        name=body.name,
        url=url,
        expires_at=iso_z(datetime.fromtimestamp(expires_at, UTC)) if expires_at else None,
    )


@router.delete(
    "/{conversation_id}/experiences",
    response_model=MessageResponse,
    operation_id="revoke_experiences",
)
async def revoke_experiences(
    conversation_id: str, app_id: AppId, services: ServicesDep
) -> MessageResponse:
    """Every summary link of the conversation made so far stops working, including the ones
    in e-mails already sent; links made afterwards work."""
    await services.repository.revoke_links(app_id, conversation_id)
    return MessageResponse(
        message=f"revoked every summary link of the conversation {conversation_id}"
    )


@router.get(
    "/{conversation_id}/messages",
    response_model=MessagesOut,
    operation_id="get_messages",
    response_model_exclude_none=True,
)
async def get_messages(
    conversation_id: str,
    app_id: AppId,
    services: ServicesDep,
    verbose: bool = False,
    sentiment: bool = False,
) -> MessagesOut:
    """Messages in the order they were spoken; ``verbose`` adds word timings, ``sentiment``
    each message's polarity; phrases appear when the conversation asked to detect them."""
    repo = services.repository
    conversation = await repo.get_conversation(app_id, conversation_id)
    messages = await repo.list_messages(conversation_id)
    phrases = bool(conversation.settings.get("detectPhrases"))
    analyses = (
        await services.storage.insights.analyses(conversation_id) if sentiment or phrases else {}
    )
    out: list[MessageOut] = []
    for m in messages:
        analysis = analyses.get(m.id)
        out.append(
            message_out(
                m,
                conversation,
                verbose=verbose,
                sentiment=sentiment_out(analysis.sentiment) if sentiment and analysis else None,
                phrases=[{"type": "key_phrase", "text": p} for p in analysis.phrases]
                if phrases and analysis
                else None,
            )
        )
    return MessagesOut(messages=out)


@router.get("/{conversation_id}/members", response_model=MembersOut, operation_id="get_members")
async def get_members(conversation_id: str, app_id: AppId, services: ServicesDep) -> MembersOut:
    repo = services.repository
    conversation = await repo.get_conversation(app_id, conversation_id)
    return MembersOut(members=[member_out(m) for m in conversation.members])


@router.put(
    "/{conversation_id}/members/{member_id}",
    response_model=MemberOut,
    operation_id="update_member",
)
async def update_member(
    conversation_id: str,
    member_id: str,
    body: MemberUpdate,
    app_id: AppId,
    services: ServicesDep,
) -> MemberOut:
    """Rename a member (or set their e-mail); their messages show the new name."""
    member = await services.repository.update_member(
        app_id, conversation_id, member_id, name=body.name, email=body.email
    )
    return member_out(member)
