"""The SDK's sans-I/O parts, checked against the server's own code where both exist:
token timing on real issued JWTs, retry decisions, Zoom/DTMF strings, request bodies, and
live events as the server renders them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from callscribe_sdk import _bodies, _telephony, models
from callscribe_sdk._audio import open_audio, pace_delay
from callscribe_sdk._auth import Token, jwt_expiry
from callscribe_sdk._exceptions import (
    AuthenticationError,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    UnsupportedMedia,
    error_for,
)
from callscribe_sdk._http import next_step
from callscribe_sdk._live import Callbacks, decode, refusal
from callscribe_sdk._retry import RetryPolicy, parse_retry_after

from callscribe.asr.types import Transcript, Word
from callscribe.auth.tokens import TokenIssuer
from callscribe.events import live
from callscribe.insights.records import DueDate, Insight, Person, Sentiment, Topic, TrackerMatch
from callscribe.records import Member, Message, Speaker
from callscribe.storage import StoredInsight
from callscribe.symbl.events import render
from callscribe.telephony import zoom as server_zoom
from callscribe.telephony.dtmf import DtmfSequence
from tests.sdk.helpers import write_wav


def test_token_refresh_time_from_a_real_jwt() -> None:
    now = 1_800_000_000.0
    issued = TokenIssuer(TokenIssuer.new_key(), ttl_seconds=86400).issue("app-1", now=now)
    assert jwt_expiry(issued.access_token) == now + 86400
    token = Token.issued(issued.access_token, issued.expires_in, now)
    assert token.refresh_at == now + 86400 - 60  # a minute early for long-lived tokens
    assert token.fresh(now + 86000)
    assert not token.fresh(now + 86341)

    short = TokenIssuer(TokenIssuer.new_key(), ttl_seconds=3).issue("app-1", now=now)
    token = Token.issued(short.access_token, short.expires_in, now)
    assert now + 2.0 <= token.refresh_at <= now + 2.5  # refreshed before expiry, not at once
    assert token.fresh(now + 1)


def test_token_without_exp_uses_expires_in() -> None:
    assert jwt_expiry("not-a-jwt") is None
    assert jwt_expiry("a.b.c") is None
    token = Token.issued("opaque", 100, now=1000.0)
    assert 1000.0 + 75 <= token.refresh_at < 1100.0


def test_retry_policy() -> None:
    policy = RetryPolicy(max_retries=2, backoff=0.5)
    first = policy.delay(0, status=503, retry_after=None)
    assert first is not None
    assert 0.375 <= first <= 0.625
    second = policy.delay(1, status=None, retry_after=None)  # connection failure
    assert second is not None
    assert 0.75 <= second <= 1.25
    assert policy.delay(2, status=503, retry_after=None) is None  # out of retries
    assert policy.delay(0, status=502, retry_after=3) == 3
    assert policy.delay(0, status=429, retry_after=2) == 2
    assert policy.delay(0, status=429, retry_after=None) is None  # no hint: caller decides
    assert policy.delay(0, status=429, retry_after=600) is None  # too long to wait
    for status in (400, 401, 404, 409, 413, 415, 422, 500):
        assert policy.delay(0, status=status, retry_after=None) is None


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("7", now.timestamp()) == 7
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now.timestamp()) == pytest.approx(30)
    assert parse_retry_after("soon", now.timestamp()) is None
    assert parse_retry_after(None, now.timestamp()) is None


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequest),
        (422, BadRequest),
        (401, AuthenticationError),
        (404, NotFound),
        (409, Conflict),
        (413, PayloadTooLarge),
        (415, UnsupportedMedia),
        (429, RateLimited),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_error_for_each_status(status: int, cls: type[Exception]) -> None:
    err = error_for(status, {"message": f"field x is bad ({status})"}, retry_after=4)
    assert type(err) is cls
    assert err.message == f"field x is bad ({status})"
    assert err.status_code == status
    assert str(err) == f"{status}: field x is bad ({status})"
    if isinstance(err, RateLimited):
        assert err.retry_after == 4
    assert error_for(status, None, fallback="HTTP body").message == "HTTP body"


@pytest.mark.parametrize(
    ("meeting", "passcode", "participant"),
    [
        ("85012345678", "123456", None),
        ("850 1234 5678", None, None),
        ("123456789", "42", "77"),
        ("85012345678", None, "1234"),
    ],
)
def test_zoom_strings_match_the_server(
    meeting: str, passcode: str | None, participant: str | None
) -> None:
    ours = _telephony.zoom_dtmf(meeting, passcode, participant)
    assert ours == server_zoom.zoom_dtmf(meeting, passcode, participant)
    DtmfSequence.parse(ours)  # the server accepts it
    assert _telephony.zoom_sip_uri(meeting, passcode) == server_zoom.zoom_sip_uri(meeting, passcode)


def test_zoom_dtmf_shapes() -> None:
    assert _telephony.zoom_dtmf("85012345678", "123456") == "85012345678#,,#,,123456#"
    assert _telephony.zoom_dtmf("85012345678", "123456", "42") == "85012345678#,,42#,,123456#"
    assert _telephony.zoom_sip_uri("85012345678", "123456") == "sip:85012345678.123456@zoomcrc.com"
    with pytest.raises(ValueError, match=r"passcode: must be digits only; 'a' at position 3"):
        _telephony.zoom_dtmf("85012345678", "12a4")
    with pytest.raises(ValueError, match="meeting_id: must have 9-11 digits, got 4"):
        _telephony.zoom_dtmf("1234")


def test_telephony_bodies() -> None:
    body = _telephony.pstn_body(
        "+1 646-558-8656",
        dtmf="85012345678#,,#,,123456#",
        name="Zoom Test Meeting",
        summary_emails=["me@example.com"],
        options={"insightTypes": ["question"]},
    )
    assert body == {
        "operation": "start",
        "endpoint": {
            "type": "pstn",
            "phoneNumber": "+16465588656",
            "dtmf": "85012345678#,,#,,123456#",
        },
        "actions": [
            {
                "invokeOn": "stop",
                "name": "sendSummaryEmail",
                "parameters": {"emails": ["me@example.com"]},
            }
        ],
        "data": {"session": {"name": "Zoom Test Meeting"}},
        "insightTypes": ["question"],
    }
    assert _telephony.sip_body("zoom@127.0.0.1:5080")["endpoint"] == {
        "type": "sip",
        "uri": "sip:zoom@127.0.0.1:5080",
    }
    with pytest.raises(ValueError, match=r"dtmf: 'x' at position 4"):
        _telephony.pstn_body("+16465588656", dtmf="123x")
    with pytest.raises(ValueError, match="phone_number"):
        _telephony.pstn_body("call me")
    with pytest.raises(ValueError, match="'operation' is set by its own argument"):
        _telephony.sip_body("sip:a@b", options={"operation": "stop"})
    assert _telephony.stop_body("c-1") == {"operation": "stop", "connectionId": "c-1"}


def test_text_bodies() -> None:
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    body = _bodies.text_body(
        [
            _bodies.TextMessage(
                "Hello", speaker="Ann", start=start, end=start + timedelta(seconds=2)
            ),
            "Plain text",
            {"payload": {"content": "As Symbl sends it"}},
        ],
        name="n",
        trackers={"Pricing": ["price", "discount"]},
    )
    assert body["messages"][0]["from"] == {"name": "Ann", "userId": None}
    assert body["messages"][0]["duration"]["startTime"] == "2026-03-02T15:00:00+00:00"
    assert body["messages"][1] == {
        "payload": {"content": "Plain text", "contentType": "text/plain"}
    }
    assert body["trackers"] == [{"name": "Pricing", "vocabulary": ["price", "discount"]}]
    with pytest.raises(ValueError, match="at least one message"):
        _bodies.text_body([])
    with pytest.raises(ValueError, match=r"messages\[1\]: a dict message needs 'payload'"):
        _bodies.text_body(["ok", {"text": "no payload"}])
    with pytest.raises(ValueError, match=r"trackers\['x'\]"):
        _bodies.trackers_json({"x": "price"})
    with pytest.raises(ValueError, match="insight_types: unknown"):
        _bodies.start_request(
            encoding="LINEAR16",
            sample_rate=16000,
            channels=1,
            name=None,
            speaker_name=None,
            speaker_user_id=None,
            insight_types=["topic"],
            trackers=None,
        )


def _one(event: live.LiveEvent) -> str:
    """The first Symbl message the server renders for ``event``, as sent on the socket."""
    return json.dumps(render(event)[0])


def test_live_events_as_the_server_renders_them() -> None:
    words = (Word("Hello", 1.0, 1.4, 0.9), Word("there.", 1.5, 2.0, 0.9))
    ann = Speaker(name="Ann", user_id="ann@example.com")
    final = live.FinalText(Transcript("Hello there.", words, 0.9, 1.0, 2.0), ann)
    result = decode(_one(final))
    assert isinstance(result, models.RecognitionResult)
    assert (result.kind, result.is_final, result.transcript) == (
        "recognition_result",
        True,
        "Hello there.",
    )
    assert [(w.word, w.start, w.end) for w in result.words] == [
        ("Hello", 1.0, 1.4),
        ("there.", 1.5, 2.0),
    ]
    assert result.user is not None
    assert result.user.name == "Ann"

    done = decode(_one(live.ConversationCompleted("c-1", "http://x/s")))
    assert isinstance(done, models.ConversationCompleted)
    assert (done.conversation_id, done.summary_url) == ("c-1", "http://x/s")
    started = decode(_one(live.RecognitionStarted("c-2")))
    assert isinstance(started, models.RecognitionStarted)
    assert started.conversation_id == "c-2"
    error = decode(_one(live.ErrorRaised("bad_audio", "no audio in 40 bytes")))
    assert isinstance(error, models.ErrorEvent)
    assert (error.reason, error.message) == ("bad_audio", "no audio in 40 bytes")
    line = decode(json.dumps(render(live.InterimText("what is", 0.0, 0.6, None))[1]))
    assert isinstance(line, models.TranscriptResponse)
    assert line.text == "what is"
    due = DueDate(datetime(2026, 3, 4, 17, tzinfo=UTC), "by Wednesday", 14)
    task = Insight("action_item", "Send the deck.", "m-1", 0.9, Person("Bob"), Person("Ann"), due)
    members = (Member("u-1", "Ann"),)
    got = decode(_one(live.InsightsFound((StoredInsight("i-1", task),), members, 3)))
    assert isinstance(got, models.InsightResponse)
    assert got.insights[0].text == "Send the deck."
    assert got.insights[0].message_id == "m-1"
    assert got.insights[0].due_by == datetime(2026, 3, 4, 17, tzinfo=UTC)
    neutral = Sentiment(0.0, "neutral")
    topic = Topic("release", 0.5, ("m-1",), neutral, root_words=("release",))
    topics = decode(_one(live.TopicsChanged((topic,), 4)))
    assert isinstance(topics, models.TopicResponse)
    assert topics.topics[0].text == "release"
    at = datetime(2026, 3, 2, 15, tzinfo=UTC)
    message = Message("m-1", "c-1", 1, "What is the price?", None, at, at)
    hit = live.TrackerHit(message, TrackerMatch("Pricing", "price", "price", 12, 1.0))
    trackers = decode(_one(live.TrackersMatched((hit,), 5)))
    assert isinstance(trackers, models.TrackerResponse)
    assert trackers.trackers[0].matches[0].value == "price"

    assert isinstance(decode("not json"), models.UnknownEvent)
    assert decode(json.dumps({"type": "future_thing"})).kind == "future_thing"
    broken = decode(json.dumps({"type": "message_response", "messages": [{"no": "id"}]}))
    assert isinstance(broken, models.UnknownEvent)
    assert broken.kind == "message_response"


def test_callbacks_match_kind_wire_type_and_star() -> None:
    seen: list[str] = []
    callbacks = Callbacks()
    callbacks.add(
        {
            "recognition_result": lambda e: seen.append("kind"),
            "message": lambda e: seen.append("type"),
            "*": lambda e: seen.append("star"),
            "insight_response": lambda e: seen.append("other"),
        }
    )
    event = decode(_one(live.Listening()))
    assert [fn(event) for fn in callbacks.matching(event)]
    assert seen == ["type", "star"]
    with pytest.raises(ValueError, match="'x' is not callable"):
        callbacks.add({"x": 3})  # type: ignore[dict-item]


def test_refusal() -> None:
    error = models.ErrorEvent(kind="error", reason="unauthorized", message="token expired")
    refused = refusal(1008, error)
    assert refused is not None
    assert (refused.reason, refused.message) == (
        "unauthorized",
        "token expired",
    )
    assert refusal(1000, error) is None
    assert refusal(1013, None) is not None


def test_audio_sources(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "a.wav", b"\x00\x01" * 8000, 8000)
    fmt, chunks = open_audio(wav, sample_rate=None, channels=1, encoding="LINEAR16", chunk_ms=100)
    assert (fmt.encoding, fmt.sample_rate, fmt.channels) == ("LINEAR16", 8000, 1)
    assert [len(c) for c in chunks] == [1600] * 10  # type: ignore[union-attr]
    assert pace_delay(fmt, 16000, 0.25) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="sample_rate=16000 but"):
        open_audio(wav, sample_rate=16000, channels=1, encoding="LINEAR16", chunk_ms=100)
    (tmp_path / "b.mp3").write_bytes(b"ID3 not a wav")
    with pytest.raises(ValueError, match="not a PCM WAV file"):
        open_audio(
            tmp_path / "b.mp3", sample_rate=None, channels=1, encoding="LINEAR16", chunk_ms=100
        )
    with pytest.raises(ValueError, match="sample_rate is required"):
        open_audio(b"\x00" * 10, sample_rate=None, channels=1, encoding="LINEAR16", chunk_ms=100)
    with pytest.raises(ValueError, match="encoding: 'MP3'"):
        open_audio(b"\x00", sample_rate=8000, channels=1, encoding="MP3", chunk_ms=100)


def test_next_step_after_a_response() -> None:
    policy = RetryPolicy(max_retries=2)

    def step(status: int, *, idempotent: bool, refresh: bool = True, **headers: str) -> str:
        response = httpx.Response(status, headers=headers, json={"message": "m"})
        kind, _delay = next_step(
            response, attempt=0, can_refresh=refresh, idempotent=idempotent, policy=policy, now=0
        )
        return kind

    assert step(200, idempotent=True) == "return"
    assert step(503, idempotent=True) == "retry"
    assert step(503, idempotent=False) == "return"  # a POST may have dialled already
    assert step(429, idempotent=False, **{"retry-after": "1"}) == "retry"
    assert step(401, idempotent=False) == "refresh"
    assert step(401, idempotent=False, refresh=False) == "return"
    assert step(404, idempotent=True) == "return"


def test_stop_answer_in_either_shape() -> None:
    """callscribe sends the final call state; Symbl's clients expect a list of links."""
    ours = models.ConnectionStopped.model_validate(
        {
            "connectionId": "c",
            "conversationId": "v",
            "summaryInfo": {
                "connectionId": "c",
                "conversationId": "v",
                "state": "ended",
                "endReason": "stopped",
                "conversationCompleted": True,
            },
        }
    )
    assert isinstance(ours.summary_info, models.ConnectionState)
    assert ours.summary_info.ended
    assert ours.summary_info.end_reason == "stopped"
    symbl = models.ConnectionStopped.model_validate(
        {"connectionId": "c", "conversationId": "v", "summaryInfo": [{"url": "https://s/1"}]}
    )
    assert symbl.summary_info == [models.SummaryLink(url="https://s/1")]
