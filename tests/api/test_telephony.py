"""The Telephony API end to end against independent SIP peers on loopback.

The server dials a fake Zoom bridge written on another SIP stack (pjsua2), keys the meeting
ID and passcode with pauses (the peer checks them), hears the meeting, and live results reach
a subscriber; PSTN numbers go through a sipp trunk with digest auth; every way a call can end
is produced by a real peer and reported, keeping whatever was recognised.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jiwer
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from whisper_normalizer.english import EnglishTextNormalizer

from callscribe.bridge import meeting
from callscribe.testing.server import ApiClient, ServerProcess, token_for
from peers.bridge_peer import pjsua2_bridge
from peers.sipp_peer import free_udp_port, sipp

pytestmark = pytest.mark.slow

MEETING_ID, PASSCODE = "85012345678", "123456"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "telephony_api"
SCENARIOS = Path(__file__).parents[1] / "peers" / "sipp"


def server_env(**extra: str) -> dict[str, str]:
    return {
        "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}",
        "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
        "CALLSCRIBE_ANSWER_TIMEOUT": "6",
        "CALLSCRIBE_MEDIA_TIMEOUT": "4",
        **extra,
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path_factory.mktemp("tel") / "data", server_env()) as proc:
        yield proc


@pytest.fixture(scope="module")
def api(server: ServerProcess) -> Iterator[ApiClient]:
    client = ApiClient.for_new_app(server)
    yield client
    client.close()


class Subscriber:
    """Reads a connection's live events on the subscribe socket until it closes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events: list[dict[str, Any]] = []

    async def run(self) -> None:
        try:
            async with connect(self.url) as ws:
                async for raw in ws:
                    self.events.append(json.loads(raw))
        except ConnectionClosed:
            pass

    def kinds(self) -> list[str]:
        return [e["message"]["type"] if e["type"] == "message" else e["type"] for e in self.events]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [
            e["message"] if e["type"] == "message" else e
            for e, k in zip(self.events, self.kinds(), strict=True)
            if k == kind
        ]


def start_call(api: ApiClient, endpoint: dict[str, Any], name: str = "Call") -> dict[str, Any]:
    r = api.http.post(
        "/v1/endpoint:connect",
        json={"operation": "start", "endpoint": endpoint, "data": {"session": {"name": name}}},
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    assert set(body) == {
        "connectionId",
        "conversationId",
        "resultWebSocketUrl",
        "eventUrl",
        "languageCode",
        "insightsAvailable",
    }
    return body


async def follow(api: ApiClient, started: dict[str, Any]) -> tuple[Subscriber, asyncio.Task[None]]:
    token = token_for(api.server.base_url, api.app_id, api.app_secret)
    sub = Subscriber(f"{started['resultWebSocketUrl']}?access_token={token}")
    return sub, asyncio.create_task(sub.run())


async def wait_ended(api: ApiClient, connection_id: str, limit: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status: dict[str, Any] = api.http.get(f"/v1/endpoint/{connection_id}").json()
        if status["state"] == "ended" and status["conversationCompleted"]:
            return status
        await asyncio.sleep(0.3)
    raise AssertionError(f"call {connection_id} did not end: {status}")


def wer(reference: str, hypothesis: str) -> float:
    norm = EnglishTextNormalizer()
    return float(jiwer.wer(norm(reference), norm(hypothesis)))


async def test_zoom_dial_in_to_an_independent_bridge(api: ApiClient) -> None:
    with pjsua2_bridge("--meeting-id", MEETING_ID, "--passcode", PASSCODE) as peer:
        started = start_call(
            api,
            {"type": "sip", "uri": peer.uri(), "dtmf": f",,{MEETING_ID}#,,#,,{PASSCODE}#"},
            "Zoom test meeting",
        )
        sub, task = await follow(api, started)
        peer.wait_for("meeting_started", 40)
        began = time.monotonic()
        await asyncio.sleep(30)  # listen to half a minute of the meeting
        heard = time.monotonic() - began
        r = api.http.post(
            "/v1/endpoint:connect",
            json={"operation": "stop", "connectionId": started["connectionId"]},
        )
        assert r.status_code == 200, r.text
        stopped = r.json()
        await asyncio.wait_for(task, 30)
        answers = peer.named("answer")

    # The peer verified the keyed meeting ID and passcode.
    assert [(a["field"], a["value"], a["accepted"]) for a in answers] == [
        ("meeting_id", MEETING_ID, True),
        ("participant_id", "", True),
        ("passcode", PASSCODE, True),
    ]
    assert stopped["conversationId"] == started["conversationId"]
    assert stopped["status"]["endReason"] == "stopped"
    assert stopped["summaryInfo"][0]["url"].startswith("http")  # Symbl's shape: page links

    # Live results arrived on the subscribe socket while the call ran.
    kinds = sub.kinds()
    assert "recognition_result" in kinds
    assert "message_response" in kinds
    assert kinds[-1] == "conversation_completed"
    assert "error" not in kinds
    assert any(not r["isFinal"] for r in sub.of("recognition_result"))
    live = [m["payload"]["content"] for e in sub.of("message_response") for m in e["messages"]]

    # ... and match what the bridge played (the lines that started before we hung up), not
    # its prompts: those before the meeting are not transcribed, and "You are now joining the
    # meeting." as it starts is left out.
    script = meeting.load()
    played = [line.text for line in script.lines if line.start < heard - 1.0]
    assert wer(" ".join(played), " ".join(live)) <= 0.25, (played, live)
    assert not any("meeting id" in t.lower() for t in live)
    assert not any("joining the meeting" in t.lower() for t in live), live

    # After the stop, the conversation has the messages and insights.
    conv_id = started["conversationId"]
    conv = api.http.get(f"/v1/conversations/{conv_id}").json()
    assert conv["status"] == "completed"
    assert conv["name"] == "Zoom test meeting"
    assert conv["metadata"]["call"]["endReason"] == "stopped"
    stored = api.http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
    assert [m["text"] for m in stored] == live
    insights = api.http.get(f"/v1/conversations/{conv_id}/insights").json()["insights"]
    assert insights


async def test_pstn_through_a_digest_auth_trunk(tmp_path: Path) -> None:
    with sipp("trunk.xml", tmp_path / "sipp") as trunk:  # challenges with 401, expects acct/s3cret
        env = server_env(
            CALLSCRIBE_TRUNK_HOST=f"127.0.0.1:{trunk.port}",
            CALLSCRIBE_TRUNK_USERNAME="acct",
            CALLSCRIBE_TRUNK_PASSWORD="s3cret",
        )
        with ServerProcess(tmp_path / "data", env) as proc:
            api = ApiClient.for_new_app(proc)
            started = start_call(api, {"type": "pstn", "phoneNumber": "+1 (415) 555-0100"})
            sub, task = await follow(api, started)
            for _ in range(130):  # up to ~40 s for the first message
                if sub.of("message_response"):
                    break
                await asyncio.sleep(0.3)
            api.http.post(
                "/v1/endpoint:connect",
                json={"operation": "stop", "connectionId": started["connectionId"]},
            )
            await asyncio.wait_for(task, 30)
            status = api.http.get(f"/v1/endpoint/{started['connectionId']}").json()
            messages = api.http.get(
                f"/v1/conversations/{started['conversationId']}/messages"
            ).json()["messages"]
            api.close()
        log = trunk.log_text()
    assert "+14155550100@127.0.0.1" in log  # the trunk was asked for the E.164 number
    assert status["endReason"] == "stopped"
    assert messages
    assert all(m["text"].strip() for m in messages)


async def test_wrong_trunk_password_is_reported(tmp_path: Path) -> None:
    with sipp("trunk.xml", tmp_path / "sipp") as trunk:
        env = server_env(
            CALLSCRIBE_TRUNK_HOST=f"127.0.0.1:{trunk.port}",
            CALLSCRIBE_TRUNK_USERNAME="acct",
            CALLSCRIBE_TRUNK_PASSWORD="wrong",
        )
        with ServerProcess(tmp_path / "data", env) as proc:
            api = ApiClient.for_new_app(proc)
            started = start_call(api, {"type": "pstn", "phoneNumber": "14155550100"})
            sub, task = await follow(api, started)
            status = await wait_ended(api, started["connectionId"])
            await asyncio.wait_for(task, 30)
            api.close()
    assert status["endReason"] == "auth_failed"
    assert status["sipStatus"] == 403
    (error,) = sub.of("error")
    assert error["error"]["reason"] == "auth_failed"
    assert "credentials" in error["error"]["message"]
    assert sub.kinds()[-1] == "conversation_completed"


def calls_ended(api: ApiClient, reason: str) -> float:
    """``callscribe_calls_ended_total{reason=...}`` from the server's ``/metrics``."""
    text = api.http.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "callscribe_calls_ended_total" and sample.labels == {
                "reason": reason
            }:
                return float(sample.value)
    return 0.0


@pytest.mark.parametrize(
    ("scenario", "reason", "sip_status"),
    [
        ("busy.xml", "busy", 486),
        ("decline.xml", "declined", 603),
        ("noanswer.xml", "no_answer", None),
        ("silent.xml", "media_lost", None),
    ],
)
async def test_failed_calls_say_why(
    api: ApiClient, tmp_path: Path, scenario: str, reason: str, sip_status: int | None
) -> None:
    ended_before = calls_ended(api, reason)
    with sipp(scenario, tmp_path) as peer:
        started = start_call(api, {"type": "sip", "uri": peer.uri})
        sub, task = await follow(api, started)
        status = await wait_ended(api, started["connectionId"])
        await asyncio.wait_for(task, 30)
    assert status["endReason"] == reason
    assert calls_ended(api, reason) == ended_before + 1  # /metrics counts it by its reason
    if sip_status is not None:
        assert status["sipStatus"] == sip_status
    (error,) = sub.of("error")
    assert error["error"]["reason"] == reason
    assert sub.kinds()[-1] == "conversation_completed"
    conv = api.http.get(f"/v1/conversations/{started['conversationId']}").json()
    assert conv["status"] == "completed"
    assert conv["metadata"]["call"]["endReason"] == reason


async def test_remote_hangup_keeps_what_was_said(api: ApiClient) -> None:
    with pjsua2_bridge(
        "--meeting-id", MEETING_ID, "--passcode", "", "--hangup-after", "30"
    ) as peer:
        started = start_call(api, {"type": "sip", "uri": peer.uri(), "dtmf": f"{MEETING_ID}#,,#"})
        sub, task = await follow(api, started)
        status = await wait_ended(api, started["connectionId"], 90)
        await asyncio.wait_for(task, 30)
    assert status["endReason"] == "remote_hangup"
    live = [m["payload"]["content"] for e in sub.of("message_response") for m in e["messages"]]
    assert live
    stored = api.http.get(f"/v1/conversations/{started['conversationId']}/messages").json()
    assert [m["text"] for m in stored["messages"]] == live
    assert "error" not in sub.kinds()


async def test_silence_timeout_on_music(tmp_path: Path) -> None:
    """Hold music is not speech: with a short silence timeout the call ends."""
    scenario = tmp_path / "music.xml"
    scenario.write_text(
        (SCENARIOS / "stream.xml").read_text().replace("speech.ulaw", str(FIXTURES / "music.ulaw"))
    )
    env = server_env(CALLSCRIBE_SILENCE_TIMEOUT="5")
    with (
        sipp(str(scenario), tmp_path / "sipp") as peer,
        ServerProcess(tmp_path / "data", env) as proc,
    ):
        api = ApiClient.for_new_app(proc)
        started = start_call(api, {"type": "sip", "uri": peer.uri})
        status = await wait_ended(api, started["connectionId"], 60)
        api.close()
    assert status["endReason"] == "silence_timeout"
    assert 4 < status["duration"] < 20


@pytest.mark.parametrize(
    ("endpoint", "status", "needle"),
    [
        ({"type": "pstn"}, 400, "phoneNumber is required"),
        ({"type": "sip"}, 400, "uri is required"),
        ({"type": "fax", "uri": "sip:a@b"}, 400, "endpoint.type"),
        ({"type": "sip", "uri": "sip:a@127.0.0.1", "dtmf": "123x#"}, 400, "'x'"),
        ({"type": "pstn", "phoneNumber": "+441632960000"}, 400, "+1"),
        ({"type": "pstn", "phoneNumber": "+14155550100"}, 400, "CALLSCRIBE_TRUNK_HOST"),
        ({"type": "pstn", "phoneNumber": "call me maybe"}, 400, "phoneNumber"),
    ],
)
def test_bad_start_requests(
    api: ApiClient, endpoint: dict[str, Any], status: int, needle: str
) -> None:
    r = api.http.post("/v1/endpoint:connect", json={"operation": "start", "endpoint": endpoint})
    assert r.status_code == status, r.text
    assert needle in r.json()["message"]


def test_bad_stop_and_status_requests(api: ApiClient) -> None:
    r = api.http.post("/v1/endpoint:connect", json={"operation": "stop"})
    assert r.status_code == 400
    assert "connectionId" in r.json()["message"]
    r = api.http.post("/v1/endpoint:connect", json={"operation": "stop", "connectionId": "nope"})
    assert r.status_code == 404
    assert api.http.get("/v1/endpoint/nope").status_code == 404
    r = api.http.post(
        "/v1/endpoint:connect",
        json={
            "operation": "start",
            "endpoint": {"type": "sip", "uri": "sip:a@127.0.0.1"},
            "actions": [{"name": "sendSummaryEmail"}],
        },
    )
    assert r.status_code == 400
    assert "actions[0].invokeOn" in r.json()["message"]


def test_calls_beyond_the_per_app_limit_get_429(tmp_path: Path) -> None:
    env = server_env(CALLSCRIBE_MAX_LIVE_PER_APP="1", CALLSCRIBE_PRELOAD_MODELS="false")
    with (
        sipp("noanswer.xml", tmp_path / "sipp", calls=2) as peer,
        ServerProcess(tmp_path / "data", env) as proc,
    ):
        api = ApiClient.for_new_app(proc)
        first = start_call(api, {"type": "sip", "uri": peer.uri})
        r = api.http.post(
            "/v1/endpoint:connect",
            json={"operation": "start", "endpoint": {"type": "sip", "uri": peer.uri}},
        )
        assert r.status_code == 429
        assert "limit" in r.json()["message"]
        other = ApiClient.for_new_app(proc, "other")  # the limit is per app
        second = start_call(other, {"type": "sip", "uri": peer.uri})
        for client, started in ((api, first), (other, second)):
            client.http.post(
                "/v1/endpoint:connect",
                json={"operation": "stop", "connectionId": started["connectionId"]},
            )
            client.close()


def test_speaker_events_attribute_speech(api: ApiClient) -> None:
    r = api.http.post(
        "/v1/event/unknown-connection",
        json={"type": "started_speaking", "user": {"userId": "a@b.c", "name": "A"}},
    )
    assert r.status_code == 404
    r = httpx.post(
        f"{api.server.base_url}/v1/event/x", json={"type": "started_speaking", "user": {}}
    )
    assert r.status_code == 401


async def test_symbl_js_subscribe_path_and_keepalive(api: ApiClient, tmp_path: Path) -> None:
    """Symbl's JS SDK subscribes at /session/subscribe/{id} and pings with __PING__."""
    with sipp("noanswer.xml", tmp_path) as peer:
        started = start_call(api, {"type": "sip", "uri": peer.uri})
        token = token_for(api.server.base_url, api.app_id, api.app_secret)
        base = api.server.base_url.replace("http", "ws")
        url = f"{base}/session/subscribe/{started['connectionId']}?access_token={token}"
        async with connect(url) as ws:
            await ws.send("__PING__")
            replies = [await asyncio.wait_for(ws.recv(), 10) for _ in range(3)]
            assert "__PONG__" in replies
        api.http.post(
            "/v1/endpoint:connect",
            json={"operation": "stop", "connectionId": started["connectionId"]},
        )
