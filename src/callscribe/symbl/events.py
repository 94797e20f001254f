"""Live events rendered as Symbl's Streaming/Subscribe JSON: the WebSocket edge.

:func:`render` turns one typed live event into the JSON messages Symbl sends for it (an
interim or final text is two: ``recognition_result`` and ``transcript_response``), so the
streaming socket, the subscribe socket and the telephony result socket carry identical shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import singledispatch
from typing import Any

from callscribe.events import live
from callscribe.records import Member, Message, Speaker, Word
from callscribe.symbl.insights import Members, insight_event_json, topic_event_json
from callscribe.symbl.times import iso_z, seconds_between

Json = dict[str, Any]


@singledispatch
def render(event: live.LiveEvent) -> list[Json]:
    """The Symbl JSON messages for ``event``."""
    raise TypeError(f"no Symbl rendering for {type(event).__name__}")


@render.register
def _(event: live.Listening) -> list[Json]:
    return [message_event("started_listening")]


@render.register
def _(event: live.RecognitionStarted) -> list[Json]:
    data: Json = {"conversationId": event.conversation_id}
    if event.insights_available:
        data["languageCode"] = event.language_code
        data["insightsAvailable"] = list(event.insights_available)
    return [message_event("recognition_started", data=data)]


@render.register
def _(event: live.InterimText) -> list[Json]:
    user = user_of(event.speaker)
    return [
        recognition_result(
            text=event.text,
            is_final=False,
            stream_start=event.start,
            stream_end=event.end,
            user=user,
        ),
        transcript_response(event.text, False, user),
    ]


@render.register
def _(event: live.FinalText) -> list[Json]:
    t, user = event.transcript, user_of(event.speaker)
    return [
        recognition_result(
            text=t.text,
            is_final=True,
            stream_start=t.start,
            stream_end=t.end,
            words=[(w.word, w.start, w.end) for w in t.words],
            confidence=t.confidence,
            user=user,
        ),
        transcript_response(t.text, True, user),
    ]


@render.register
def _(event: live.MessagesStored) -> list[Json]:
    return [message_response(event.messages, event.origin, event.sequence)]


@render.register
def _(event: live.InsightsFound) -> list[Json]:
    members = Members(event.members)
    items = [insight_event_json(i, members) for i in event.insights]
    return [{"type": "insight_response", "sequenceNumber": event.sequence, "insights": items}]


@render.register
def _(event: live.TrackersMatched) -> list[Json]:
    by_tracker: dict[str, list[Json]] = {}
    for hit in event.hits:
        by_tracker.setdefault(hit.match.tracker, []).append(
            {
                "type": "vocabulary",
                "value": hit.match.phrase,
                "messageRefs": [
                    {"id": hit.message.id, "text": hit.message.text, "offset": hit.match.offset}
                ],
                "insightRefs": [],
            }
        )
    trackers = [{"name": name, "matches": matches} for name, matches in by_tracker.items()]
    return [
        {
            "type": "tracker_response",
            "isFinal": True,
            "sequenceNumber": event.sequence,
            "trackers": trackers,
        }
    ]


@render.register
def _(event: live.TopicsChanged) -> list[Json]:
    topics = [topic_event_json(n, t) for n, t in enumerate(event.topics)]
    return [{"type": "topic_response", "sequenceNumber": event.sequence, "topics": topics}]


@render.register
def _(event: live.CallStateChanged) -> list[Json]:
    data = {
        "state": event.state,
        "reason": event.reason,
        "sipStatus": event.sip_status,
        "detail": event.detail,
    }
    return [message_event("call_state", data=data)]


@render.register
def _(event: live.ErrorRaised) -> list[Json]:
    return [error_event(event.reason, event.message)]


@render.register
def _(event: live.RecognitionStopped) -> list[Json]:
    return [message_event("recognition_stopped", data={"conversationId": event.conversation_id})]


@render.register
def _(event: live.ConversationCompleted) -> list[Json]:
    data: Json = {"conversationId": event.conversation_id}
    if event.summary_url:
        data["summaryUrl"] = event.summary_url
    return [message_event("conversation_completed", data=data, **data)]


# --- the shapes -------------------------------------------------------------------------------


def message_event(kind: str, **data: Any) -> Json:
    """``{"type": "message", "message": {"type": kind, ...}}``."""
    return {"type": "message", "message": {"type": kind, **data}}


def error_event(reason: str, message: str) -> Json:
    """An ``error`` message event naming why something failed (``reason`` is machine-readable)."""
    return message_event("error", error={"reason": reason, "message": message})


def user_of(speaker: Speaker | None) -> Json:
    if speaker is None:
        return {}
    return {"userId": speaker.user_id, "name": speaker.name}


def user_json(member: Member | None) -> Json:
    if member is None:
        return {}
    return {"id": member.id, "userId": member.user_id or member.email, "name": member.name}


def _duration(seconds: float) -> Json:
    whole = int(seconds)
    return {"seconds": str(whole), "nanos": str(round((seconds - whole) * 1e9))}


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


def transcript_response(text: str, is_final: bool, user: Json | None = None) -> Json:
    """The low-latency live line (what is being said right now)."""
    return {
        "type": "transcript_response",
        "isFinal": is_final,
        "payload": {"content": text, "contentType": "text/plain"},
        "user": user or {},
    }


def _word_json(w: Word, origin: datetime) -> Json:
    return {
        "word": w.word,
        "startTime": iso_z(w.start),
        "endTime": iso_z(w.end),
        "score": w.score,
        "timeOffset": seconds_between(origin, w.start),
        "duration": seconds_between(w.start, w.end),
    }


def message_response(messages: Sequence[Message], origin: datetime, sequence: int) -> Json:
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


__all__ = ["error_event", "render"]
