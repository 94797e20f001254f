"""Builders of the live events (Symbl's Streaming/Subscribe JSON), as pure functions.

Everything a live source emits goes through here, so the streaming socket, the subscribe
socket and the telephony result socket carry identical shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from callscribe.conversation.timing import iso_z, seconds_between
from callscribe.model import Member, Message, Word

Json = dict[str, Any]


def _duration(seconds: float) -> Json:
    whole = int(seconds)
    return {"seconds": str(whole), "nanos": str(round((seconds - whole) * 1e9))}


def message_event(kind: str, **data: Any) -> Json:
    """``{"type": "message", "message": {"type": kind, ...}}``."""
    return {"type": "message", "message": {"type": kind, **data}}


def started_listening() -> Json:
    return message_event("started_listening")


def recognition_started(conversation_id: str) -> Json:
    return message_event("recognition_started", data={"conversationId": conversation_id})


def recognition_stopped(conversation_id: str) -> Json:
    return message_event("recognition_stopped", data={"conversationId": conversation_id})


def conversation_completed(conversation_id: str, summary_url: str | None = None) -> Json:
    data: Json = {"conversationId": conversation_id}
    if summary_url:
        data["summaryUrl"] = summary_url
    return message_event("conversation_completed", data=data, **data)


def error_event(reason: str, message: str, *, details: Json | None = None) -> Json:
    """An ``error`` message event naming why something failed (``reason`` is machine-readable)."""
    return message_event("error", error={"reason": reason, "message": message, **(details or {})})


def user_json(member: Member | None, fallback: Json | None = None) -> Json:
    if member is None:
        return fallback or {}
    return {"id": member.id, "userId": member.user_id or member.email, "name": member.name}


def recognition_result(
    *,
    text: str,
    is_final: bool,
    stream_start: float,
    stream_end: float,
    words: Sequence[tuple[str, float, float]] = (),
    confidence: float | None = None,
    user: Json | None = None,
) -> Json:
    """A live hypothesis (``isFinal: false``) or the final text of an utterance.

    Word times are seconds from the start of the stream, as Symbl's ``{seconds, nanos}``.
    """
    alternative: Json = {
        "words": [
            {"word": w, "startTime": _duration(s), "endTime": _duration(e)} for w, s, e in words
        ],
        "transcript": text,
        "confidence": round(confidence, 4) if confidence is not None else None,
    }
    return message_event(
        "recognition_result",
        isFinal=is_final,
        payload={"raw": {"alternatives": [alternative]}},
        punctuated={"transcript": text},
        user=user or {},
        duration={"startTime": _duration(stream_start), "endTime": _duration(stream_end)},
    )


def _word_json(w: Word, origin: Any) -> Json:
    return {
        "word": w.word,
        "startTime": iso_z(w.start),
        "endTime": iso_z(w.end),
        "score": w.score,
        "timeOffset": seconds_between(origin, w.start),
        "duration": seconds_between(w.start, w.end),
    }


def message_response(messages: Sequence[Message], origin: Any, sequence: int) -> Json:
    """Final messages as Symbl's ``message_response`` (times absolute and relative)."""
    return {
        "type": "message_response",
        "sequenceNumber": sequence,
        "messages": [
            {
                "id": m.id,
                "from": user_json(m.member),
                "payload": {"content": m.text, "contentType": "text/plain"},
                "channel": {"id": "channel-1"},
                "dismissed": False,
                "duration": {
                    "startTime": iso_z(m.start),
                    "endTime": iso_z(m.end),
                    "timeOffset": seconds_between(origin, m.start),
                    "duration": seconds_between(m.start, m.end),
                },
                "metadata": {
                    "confidence": m.confidence,
                    "words": [_word_json(w, origin) for w in m.words],
                },
            }
            for m in messages
        ],
    }


def insight_response(insights: list[Json], sequence: int) -> Json:
    return {"type": "insight_response", "sequenceNumber": sequence, "insights": insights}


def topic_response(topics: list[Json], sequence: int) -> Json:
    return {"type": "topic_response", "sequenceNumber": sequence, "topics": topics}


def tracker_response(trackers: list[Json], sequence: int) -> Json:
    return {
        "type": "tracker_response",
        "isFinal": True,
        "sequenceNumber": sequence,
        "trackers": trackers,
    }


def transcript_response(text: str, is_final: bool, user: Json | None = None) -> Json:
    """The low-latency live line (what is being said right now)."""
    return {
        "type": "transcript_response",
        "isFinal": is_final,
        "payload": {"content": text, "contentType": "text/plain"},
        "user": user or {},
    }
