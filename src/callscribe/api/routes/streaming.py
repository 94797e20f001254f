"""Symbl's Streaming API (``/v1/streaming/{id}``, ``/v1/realtime/insights/{id}``) and the
read-only ``/v1/subscribe/{id}`` socket.

A streaming client sends ``start_request``, binary audio, then ``stop_request``. The socket
owns its :class:`LiveSession` and is its transport edge: the declared encoding is decoded to
16 kHz mono here, once. If the client vanishes, the session still ends cleanly and the
conversation is completed with everything recognised so far.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from callscribe.api.errors import describe_validation_errors
from callscribe.api.routing import roomier_node
from callscribe.api.schemas.streaming import StartRequest
from callscribe.api.stream_proxy import proxy_stream
from callscribe.api.ws import (
    POLICY,
    TRY_LATER,
    authenticate,
    close,
    follows,
    forward,
    refuse,
    relay,
    send,
    services_of,
)
from callscribe.asr.languages import insights_available
from callscribe.audio import StreamDecoder
from callscribe.errors import CallscribeError, Conflict, LimitExceeded, UnsupportedMedia
from callscribe.events.live import ErrorRaised, Listening, RecognitionStarted
from callscribe.log import bind, get_logger
from callscribe.pipeline.session import LiveSession
from callscribe.records import Speaker
from callscribe.symbl import events as ev

router = APIRouter(tags=["streaming"])
log = get_logger(__name__)

START_TIMEOUT = 30.0
# Compressed streams (FLAC, Opus) resynchronise over junk; this much input with no audio
# out means the client is not sending what it declared.
UNDECODABLE_LIMIT = 32 * 1024


def _offset(minutes: int | None) -> str:
    if not minutes:
        return "UTC"
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


async def _start_request(ws: WebSocket) -> tuple[StartRequest, str] | None:
    try:
        message = await asyncio.wait_for(ws.receive(), START_TIMEOUT)
    except TimeoutError:
        await refuse(ws, "bad_request", f"no start_request within {START_TIMEOUT:.0f} s")
        return None
    except WebSocketDisconnect:
        return None
    if message["type"] == "websocket.disconnect":
        return None
    raw = message.get("text")
    if raw is None:
        await refuse(ws, "bad_request", "audio arrived before start_request: send it first")
        return None
    try:
        return StartRequest.model_validate(json.loads(raw)), raw
    except json.JSONDecodeError as exc:
        await refuse(ws, "bad_request", f"start_request is not valid JSON: {exc}")
    except ValidationError as exc:
        await refuse(
            ws, "bad_request", "start_request: " + describe_validation_errors(exc.errors())
        )
    return None


@router.websocket("/v1/streaming/{connection_id}")
@router.websocket("/v1/realtime/insights/{connection_id}")
async def streaming(ws: WebSocket, connection_id: str) -> None:
    app_id = await authenticate(ws)
    if app_id is None:
        return
    received = await _start_request(ws)
    if received is None:
        return
    start, raw_start = received
    services = services_of(ws)
    recognition = start.config.speech_recognition
    try:
        decoder = StreamDecoder(
            recognition.encoding, recognition.sample_rate_hertz, recognition.audio_channel_count
        )
        language = services.language_settings(start.config.language_code, "config.languageCode")
        services.live.check_available(app_id, connection_id)
        services.live.check_capacity(app_id)
        if services.phone.draining:
            raise LimitExceeded("this server is stopping and takes no new streams; try again")
    except LimitExceeded as exc:
        node = await roomier_node(services, ws)
        if node is not None:
            await proxy_stream(ws, node.url, services.node.id, raw_start)
        else:
            await refuse(ws, "too_many_requests", exc.message, TRY_LATER)
        return
    except Conflict as exc:
        await refuse(ws, "conflict", exc.message)
        return
    except CallscribeError as exc:
        await refuse(ws, "bad_request", exc.message)
        return
    speaker = (
        Speaker(name=start.speaker.name, user_id=start.speaker.user_id) if start.speaker else None
    )
    conversation = await services.repository.create_conversation(
        app_id=app_id,
        name=start.config.meeting_title or "Streaming conversation",
        source="streaming",
        start_time=datetime.now(UTC),
        timezone=_offset(start.config.timezone_offset),
        settings={
            "trackers": await services.trackers_for(
                app_id, [t.model_dump() for t in start.trackers], start.enable_all_trackers
            ),
            "insightTypes": list(start.insight_types),
            "connectionId": connection_id,
            **language,
        },
    )
    session = LiveSession(
        services.live_deps(),
        conversation,
        connection_id,
        speaker=speaker,
        insight_types=start.insight_types,
        keep_audio=services.recordings.wanted(start.keep_audio),
        language=language["language"],
    )
    try:
        await services.connections.open(app_id, connection_id, session)
    except (Conflict, LimitExceeded) as exc:  # another stream took the id or the last place
        await services.repository.delete_conversation(app_id, conversation.id)
        busy = isinstance(exc, LimitExceeded)
        await refuse(
            ws,
            "too_many_requests" if busy else "conflict",
            exc.message,
            TRY_LATER if busy else POLICY,
        )
        return
    try:
        with bind(connection_id=connection_id, conversation_id=conversation.id):
            await _stream(ws, session, decoder, start)
    finally:
        await services.connections.close(app_id, connection_id)
    log.info("stream finished", conversation_id=conversation.id)


async def _stream(
    ws: WebSocket, session: LiveSession, decoder: StreamDecoder, start: StartRequest
) -> None:
    services = services_of(ws)
    async with services.bus.subscribe(session.channel) as subscription:
        conversation = session.conversation
        started = RecognitionStarted(
            conversation.id,
            conversation.settings.get("languageCode"),
            tuple(insights_available(session.language)),
        )
        for event in (Listening(), started):
            for message in ev.render(event):
                await send(ws, message)
        async with asyncio.TaskGroup() as tg:
            tg.create_task(session.run())
            tg.create_task(forward(subscription, ws))
            await session.wait_ready()
            await _receive_audio(ws, session, decoder)
            session.end()
            await session.completed.wait()
    if start.disconnect_on_stop_request:
        await close(ws, 1000, "conversation completed")


async def _receive_audio(ws: WebSocket, session: LiveSession, decoder: StreamDecoder) -> None:
    """Feed audio until ``stop_request`` or disconnect; bad audio ends the stream with an
    ``error`` event, keeping what was recognised before it."""
    undecodable = 0  # bytes received since the decoder last produced audio
    while True:
        try:
            message = await ws.receive()
        except (WebSocketDisconnect, RuntimeError):
            log.info("client disconnected mid-stream")
            return
        if message["type"] == "websocket.disconnect":
            log.info("client disconnected mid-stream")
            return
        try:
            if message.get("bytes") is not None:
                samples = decoder.feed(message["bytes"])
                if len(samples):
                    session.feed(samples)
                    undecodable = 0
                    continue
                undecodable += len(message["bytes"])
                if undecodable > UNDECODABLE_LIMIT:
                    raise UnsupportedMedia(
                        f"the last {undecodable} bytes held no decodable "
                        f"{decoder.encoding.value} audio"
                    )
                continue
            text = message.get("text") or ""
            request = json.loads(text) if text else {}
            if isinstance(request, dict) and request.get("type") == "stop_request":
                tail = decoder.flush()
                if len(tail):
                    session.feed(tail)
                if decoder.bytes_in == 0:
                    await session.publish(
                        ErrorRaised("no_audio", "stop_request arrived before any audio")
                    )
                return
            await session.publish(
                ErrorRaised("bad_request", f"unexpected message on the stream: {text[:80]}")
            )
        except json.JSONDecodeError:
            await session.publish(ErrorRaised("bad_request", "text message is not valid JSON"))
        except CallscribeError as exc:
            await session.publish(ErrorRaised("bad_audio", exc.message))
            return


@router.websocket("/v1/subscribe/{connection_id}")
@router.websocket("/session/subscribe/{connection_id}")  # the path Symbl's JS SDK subscribes to
async def subscribe(ws: WebSocket, connection_id: str) -> None:
    """Read-only: every live event of a running conversation, for any number of subscribers."""
    app_id = await authenticate(ws)
    if app_id is None:
        return
    services = services_of(ws)
    if not await follows(services, app_id, connection_id):
        await refuse(ws, "not_found", f"no conversation with connection id {connection_id}")
        return
    async with services.bus.subscribe(connection_id) as subscription:
        await relay(subscription, ws)
    await close(ws, 1000, "conversation completed")
