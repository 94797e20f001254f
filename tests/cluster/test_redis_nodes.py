"""Two real ``callscribe serve`` processes on the local PostgreSQL and Redis act as one
service (each node with room for one live conversation): a stream on node A is followed live
by a subscriber on node B; a call started through A is read, given speaker events and stopped
through B; a call A has no room for is placed on B and answered for through A; a call neither
has room for is refused (429); a killed node's call is finished by the other; a node stopped
cleanly ends and completes its calls itself."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from websockets.asyncio.client import connect

from callscribe.testing.server import ApiClient, ServerProcess, token_for
from tests.actions.conftest import SmtpServer, smtp  # noqa: F401 (the fixture)
from tests.api.test_streaming import collect, kinds, speech, stream_speech
from tests.cluster.test_nodes import LEASE, call_with_summary, mail_env, node_env
from tests.peers.sipp_peer import sipp

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def nodes(
    pg_url: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with (
        ServerProcess(
            tmp_path / "a",
            node_env(pg_url, CALLSCRIBE_REDIS_URL=redis_url, CALLSCRIBE_MAX_LIVE="1"),
        ) as a,
        ServerProcess(
            tmp_path / "b",
            node_env(pg_url, CALLSCRIBE_REDIS_URL=redis_url, CALLSCRIBE_MAX_LIVE="1"),
        ) as b,
    ):
        yield a, b


def holder_name(pg_url: str, conversation_id: str) -> str:
    """The name (host and data directory) of the node whose conversation this is."""
    with psycopg.connect(pg_url) as db:
        row = db.execute(
            "SELECT n.name FROM conversations c JOIN nodes n ON n.id = c.node_id WHERE c.id = %s",
            (conversation_id,),
        ).fetchone()
    assert row is not None
    return str(row[0])


def finals_of(events: list[dict[str, Any]]) -> list[str]:
    return [
        e["message"]["punctuated"]["transcript"]
        for e in events
        if kinds([e]) == ["recognition_result"] and e["message"]["isFinal"]
    ]


async def test_streams_spread_over_nodes_and_are_followed_from_either(
    nodes: tuple[ServerProcess, ServerProcess], pg_url: str
) -> None:
    """Two streams sent to node A, which has room for one: the second is carried to B over
    the same client socket. Each is followed live by a subscriber on the node not holding it
    and sees every final and message, in order, as the streaming client did."""
    a, b = nodes
    app_id, secret = a.create_app("cluster-stream")
    pcm, _texts, _seconds = speech(3)
    token = token_for(a.base_url, app_id, secret)
    ws_a, ws_b = (n.base_url.replace("http", "ws") for n in nodes)
    one, two = (f"cluster-{secrets.token_hex(4)}" for _ in range(2))  # ids live on in Redis

    async def second() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        await asyncio.sleep(1.5)  # the first holds A's one place by now
        return await stream_speech(
            f"{ws_a}/v1/streaming/{two}",
            token,
            pcm,
            subscribe_url=f"{ws_a}/v1/subscribe/{two}",
        )

    (events1, on_b), (events2, on_a) = await asyncio.gather(
        stream_speech(
            f"{ws_a}/v1/streaming/{one}",
            token,
            pcm,
            subscribe_url=f"{ws_b}/v1/subscribe/{one}",
        ),
        second(),
    )
    for events, followed in ((events1, on_b), (events2, on_a)):
        assert "error" not in kinds(events), events
        assert len(finals_of(events)) >= 2
        assert kinds(followed)[-1] == "conversation_completed"
        assert finals_of(followed) == finals_of(events)
        assert [e for e in followed if e["type"] == "message_response"] == [
            e for e in events if e["type"] == "message_response"
        ]  # every message, in order, as the holding node sent them
    first_id, second_id = (ev[1]["message"]["data"]["conversationId"] for ev in (events1, events2))
    assert str(a.data_dir.resolve()) in holder_name(pg_url, first_id)
    assert str(b.data_dir.resolve()) in holder_name(pg_url, second_id)


def start_call(client: ApiClient, uri: str) -> dict[str, Any]:
    r = client.http.post(
        "/v1/endpoint:connect",
        json={"operation": "start", "endpoint": {"type": "sip", "uri": uri}},
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def wait_for_state(client: ApiClient, connection_id: str, state: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = client.http.get(f"/v1/endpoint/{connection_id}")
        assert r.status_code == 200, r.text
        status: dict[str, Any] = r.json()
        if status["state"] == state:
            return status
        time.sleep(0.3)
    raise AssertionError(f"{connection_id} never reached {state}: {status}")


def test_calls_are_placed_and_steered_through_either_node(
    nodes: tuple[ServerProcess, ServerProcess], pg_url: str, tmp_path: Path
) -> None:
    a, b = nodes
    app_id, secret = a.create_app("cluster-calls")
    on_a, on_b = (ApiClient.for_app(n, app_id, secret) for n in nodes)
    with (
        sipp("stream.xml", tmp_path / "peer1") as peer1,
        sipp("stream.xml", tmp_path / "peer2") as peer2,
    ):
        first = start_call(on_a, peer1.uri)
        assert str(a.data_dir.resolve()) in holder_name(pg_url, first["conversationId"])
        # Read through B: the state A holds in memory, not a stored guess.
        status = wait_for_state(on_b, first["connectionId"], "listening")
        assert status["endReason"] is None

        r = on_b.http.post(
            f"/v1/event/{first['connectionId']}",
            json={"type": "started_speaking", "user": {"userId": "ann@example.com", "name": "Ann"}},
        )
        assert r.status_code == 200, r.text
        assert r.json()["placedBy"] == "arrival"

        # A holds its one call (MAX_LIVE=1): the next one through A is placed on B.
        second = start_call(on_a, peer2.uri)
        assert str(b.data_dir.resolve()) in holder_name(pg_url, second["conversationId"])
        assert second["resultWebSocketUrl"].startswith(a.base_url.replace("http", "ws"))
        wait_for_state(on_a, second["connectionId"], "listening")
        r = on_b.http.post(
            "/v1/endpoint:connect",
            json={"operation": "start", "endpoint": {"type": "sip", "uri": peer2.uri}},
        )
        assert r.status_code == 429, r.text  # only now: every node is full
        assert r.json()["message"].startswith("every node is at its limit"), r.text

        # Stopped through the node that does not hold each call.
        for client, call in ((on_b, first), (on_a, second)):
            r = client.http.post(
                "/v1/endpoint:connect",
                json={"operation": "stop", "connectionId": call["connectionId"]},
            )
            assert r.status_code == 200, r.text
            stopped = r.json()
            assert stopped["status"]["state"] == "ended", stopped
            assert stopped["status"]["endReason"] == "stopped", stopped
            assert stopped["conversationId"] == call["conversationId"]
        for client in (on_a, on_b):
            status = client.http.get(f"/v1/endpoint/{first['connectionId']}").json()
            assert (status["state"], status["endReason"]) == ("ended", "stopped")

        # An unknown connection is 404 on either node, and a stop of it names the id.
        r = on_b.http.post(
            "/v1/endpoint:connect", json={"operation": "stop", "connectionId": "nope"}
        )
        assert r.status_code == 404, r.text
        assert "nope" in r.json()["message"]
    on_a.close()
    on_b.close()
    forwarded = [
        json.loads(line)
        for node in nodes
        for line in node.log_text().splitlines()
        if line.startswith("{") and '"request forwarded"' in line
    ]
    assert len(forwarded) >= 5


def ask_until_finished(
    node: ServerProcess, call: dict[str, Any], app: tuple[str, str]
) -> tuple[list[tuple[int, float]], dict[str, Any]]:
    """Ask the call's status through ``node`` until its conversation is completed: each
    answer's status code and how long it took, and the last answer."""
    answers: list[tuple[int, float]] = []
    client = ApiClient.for_app(node, *app)
    deadline = time.monotonic() + 3 * LEASE + 20
    try:
        while time.monotonic() < deadline:
            asked = time.monotonic()
            r = client.http.get(f"/v1/endpoint/{call['connectionId']}")
            answers.append((r.status_code, time.monotonic() - asked))
            if r.status_code == 200 and r.json()["conversationCompleted"]:
                break
            time.sleep(0.3)
    finally:
        client.close()
    last: dict[str, Any] = r.json()
    return answers, last


async def test_subscribers_on_another_node_see_a_lost_call_end(
    nodes: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    """A call's node killed: a subscriber following it through the other node is told it
    ended (``node_lost``) and its socket closes, within about a lease; not left waiting. Its
    status asked through the other node meanwhile is a prompt 503 (the holder does not take
    the request), then ``node_lost``."""
    a, b = nodes
    app = a.create_app("cluster-lost")
    app_id, secret = app
    on_a = ApiClient.for_app(a, app_id, secret)
    token = token_for(b.base_url, app_id, secret)
    events: list[dict[str, Any]] = []
    with sipp("stream.xml", tmp_path / "peer") as peer:
        call = start_call(on_a, peer.uri)
        wait_for_state(on_a, call["connectionId"], "listening")
        url = f"{b.base_url.replace('http', 'ws')}/v1/subscribe/{call['connectionId']}"
        async with connect(f"{url}?access_token={token}") as ws:
            reader = asyncio.create_task(collect(ws, events))
            await asyncio.sleep(1.0)
            a.kill()
            killed = time.monotonic()
            asking = asyncio.create_task(asyncio.to_thread(ask_until_finished, b, call, app))
            await asyncio.wait_for(reader, 3 * LEASE + 20)
            took = time.monotonic() - killed
            answers, last = await asking
    # Asked through B meanwhile: 503 at once while A's lease runs, never a long hang.
    assert last["endReason"] == "node_lost", last
    assert 503 in {status for status, _seconds in answers}, answers
    assert max(seconds for _status, seconds in answers) < 6, answers
    on_a.close()
    states = [e["message"]["data"] for e in events if kinds([e]) == ["call_state"]]
    assert states[-1]["state"] == "ended", states
    assert states[-1]["reason"] == "node_lost", states
    assert took <= 2 * LEASE + 10, took


def test_a_node_stopped_cleanly_drains_its_calls(
    pg_url: str,
    redis_url: str,
    tmp_path: Path,
    smtp: SmtpServer,  # noqa: F811
) -> None:
    """Ctrl-C on a node holding a call: it hangs up (``server_stopped``), completes the
    conversation with its summary e-mail (sent once) and exits; the other node, which keeps
    running, answers for the call and takes the next one."""
    env = {"CALLSCRIBE_REDIS_URL": redis_url, **mail_env(smtp)}
    with (
        sipp("stream.xml", tmp_path / "peer1") as peer1,
        sipp("stream.xml", tmp_path / "peer2") as peer2,
        ServerProcess(tmp_path / "a", node_env(pg_url, **env)) as a,
        ServerProcess(tmp_path / "b", node_env(pg_url, **env, CALLSCRIBE_MAX_LIVE="1")) as b,
    ):
        app_id, secret = a.create_app("cluster-drain")
        on_a, on_b = (ApiClient.for_app(n, app_id, secret) for n in (a, b))
        call = call_with_summary(on_a, peer1.uri)
        wait_for_state(on_b, call["connectionId"], "listening")
        time.sleep(3.0)  # some speech is heard

        stopping = time.monotonic()
        assert a.stop(timeout=60) == 0
        took = time.monotonic() - stopping
        status = on_b.http.get(f"/v1/endpoint/{call['connectionId']}").json()
        assert (status["state"], status["endReason"]) == ("ended", "server_stopped"), status
        conversation = on_b.http.get(f"/v1/conversations/{call['conversationId']}").json()
        assert conversation["status"] == "completed", conversation
        assert "endReason" not in conversation["metadata"], "completed by A, not adopted"

        # B (full with one call) takes the next: A is gone from the board.
        nxt = start_call(on_b, peer2.uri)
        assert str(b.data_dir.resolve()) in holder_name(pg_url, nxt["conversationId"])
        deadline = time.monotonic() + 30
        while not smtp.inbox.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2 * LEASE)  # no second e-mail from a node that adopts it
        on_a.close()
        on_b.close()
    assert took < 30, took
    assert len(smtp.inbox.messages) == 1
    assert smtp.inbox.messages[0][0] == ["owner@example.com"]
