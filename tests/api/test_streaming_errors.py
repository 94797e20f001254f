"""The Streaming API under bad input: every problem is an ``error`` event naming it, never a
crash, and whatever was recognised before the problem is kept."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError

from bench.asr import corpus
from callscribe.audio.files import decode_file
from callscribe.testing.server import ApiClient, ServerProcess, token_for
from tests.audio.media import encode

RATE = 16000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"CALLSCRIBE_MAX_LIVE_PER_APP": "1"}
    with ServerProcess(tmp_path_factory.mktemp("stream-errors") / "data", env) as proc:
        yield proc


@pytest.fixture(scope="module")
def api(server: ServerProcess) -> Iterator[ApiClient]:
    client = ApiClient.for_new_app(server)
    yield client
    client.close()


def ws_url(server: ServerProcess, api: ApiClient, name: str, *, token: str | None = None) -> str:
    token = token or token_for(server.base_url, api.app_id, api.app_secret)
    return f"{server.base_url.replace('http', 'ws')}/v1/streaming/{name}?access_token={token}"


def start(encoding: str = "LINEAR16", rate: int = RATE, **extra: Any) -> str:
    return json.dumps(
        {
            "type": "start_request",
            "config": {"speechRecognition": {"encoding": encoding, "sampleRateHertz": rate}},
            **extra,
        }
    )


async def drain(ws: Any, limit: float = 90) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    async def read() -> None:
        try:
            async for raw in ws:
                out.append(json.loads(raw))
        except ConnectionClosedError as exc:  # closed with an error code: the events came first
            out.append({"type": "closed", "code": exc.rcvd.code if exc.rcvd else None})

    await asyncio.wait_for(read(), limit)
    return out


def of_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [
        e["message"] if e["type"] == "message" else e
        for e in events
        if (e["message"]["type"] if e["type"] == "message" else e["type"]) == kind
    ]


def one_prompt(rate: int) -> np.ndarray:
    prompt = corpus.subset(3, max_seconds=6.0)[1]
    return np.concatenate([decode_file(prompt.wav, rate=rate), np.zeros(rate, np.float32)])


async def test_bad_token_is_refused(server: ServerProcess, api: ApiClient) -> None:
    async with connect(ws_url(server, api, "x", token="not-a-token")) as ws:
        events = await drain(ws, 10)
    (error,) = of_kind(events, "error")
    assert error["error"]["reason"] == "unauthorized"
    assert "token" in error["error"]["message"]


@pytest.mark.parametrize(
    ("message", "needle"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"type": "hello"}), "type"),
        (start(encoding="MP3"), "encoding 'MP3' is not one of"),
        (start(rate=1234), "sampleRateHertz"),
        (json.dumps({"type": "start_request", "insightTypes": ["gossip"]}), "insightTypes[0]"),
        (b"\x00\x01" * 160, "audio arrived before start_request"),
    ],
)
async def test_bad_start_request_names_the_problem(
    server: ServerProcess, api: ApiClient, message: str | bytes, needle: str
) -> None:
    async with connect(ws_url(server, api, "bad-start")) as ws:
        await ws.send(message)
        events = await drain(ws, 10)
    (error,) = of_kind(events, "error")
    assert error["error"]["reason"] == "bad_request"
    assert needle in error["error"]["message"]


async def test_empty_stream_completes_with_an_error_event(
    server: ServerProcess, api: ApiClient
) -> None:
    async with connect(ws_url(server, api, "empty")) as ws:
        await ws.send(start())
        await ws.send(json.dumps({"type": "stop_request"}))
        events = await drain(ws)
    assert of_kind(events, "error")[0]["error"]["reason"] == "no_audio"
    completed = of_kind(events, "conversation_completed")
    assert completed
    conv_id = completed[0]["data"]["conversationId"]
    assert api.http.get(f"/v1/conversations/{conv_id}").json()["status"] == "completed"


async def test_garbage_after_speech_keeps_what_was_recognised(
    server: ServerProcess, api: ApiClient
) -> None:
    flac = encode(one_prompt(RATE), RATE, container="flac", codec="flac")
    async with connect(ws_url(server, api, "garbage")) as ws:
        await ws.send(start(encoding="FLAC"))
        for i in range(0, len(flac), 4096):
            await ws.send(flac[i : i + 4096])
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.0)  # let the utterance end and be recognised
        for _ in range(4):  # then noise that is no FLAC at all
            await ws.send(bytes(range(256)) * 64)
        events = await drain(ws)
    errors = of_kind(events, "error")
    assert errors
    assert errors[0]["error"]["reason"] == "bad_audio"
    finals = [r for r in of_kind(events, "recognition_result") if r["isFinal"]]
    assert finals, "speech before the garbage must still be recognised"
    conv_id = of_kind(events, "conversation_completed")[0]["data"]["conversationId"]
    stored = api.http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
    assert [m["text"] for m in stored] == [f["punctuated"]["transcript"] for f in finals]


async def test_wrong_encoding_declared_is_an_error_event(
    server: ServerProcess, api: ApiClient
) -> None:
    wav = encode(one_prompt(RATE), RATE, container="wav", codec="pcm_s16le")
    async with connect(ws_url(server, api, "wrong-encoding")) as ws:
        await ws.send(start(encoding="FLAC"))
        await ws.send(wav[:8192])
        events = await drain(ws)
    (error,) = of_kind(events, "error")
    assert error["error"]["reason"] == "bad_audio"
    assert "WAV" in error["error"]["message"]
    assert of_kind(events, "conversation_completed")


async def test_client_that_vanishes_leaves_a_finished_conversation(
    server: ServerProcess, api: ApiClient
) -> None:
    audio = one_prompt(RATE)
    pcm = (audio * 32767).astype("<i2").tobytes()
    ws = await connect(ws_url(server, api, "vanish"))
    await ws.send(start())
    started = [json.loads(await ws.recv()), json.loads(await ws.recv())]
    conv_id = started[1]["message"]["data"]["conversationId"]
    for i in range(0, len(pcm), 640):
        await ws.send(pcm[i : i + 640])
    await asyncio.sleep(0.5)
    ws.transport.abort()  # no stop_request, no close handshake: the client is simply gone

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        conv = api.http.get(f"/v1/conversations/{conv_id}").json()
        if conv["status"] == "completed":
            break
        await asyncio.sleep(0.5)
    assert conv["status"] == "completed"
    messages = api.http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
    assert messages, "speech sent before the client vanished is kept"


async def test_per_app_limit_answers_too_many_requests(
    server: ServerProcess, api: ApiClient
) -> None:
    async with connect(ws_url(server, api, "first")) as first:
        await first.send(start())
        await first.recv()
        async with connect(ws_url(server, api, "second")) as second:
            await second.send(start())
            events = await drain(second, 10)
        (error,) = of_kind(events, "error")
        assert error["error"]["reason"] == "too_many_requests"
        assert "CALLSCRIBE_MAX_LIVE_PER_APP=1" in error["error"]["message"]
        await first.send(json.dumps({"type": "stop_request"}))
        await drain(first)


async def test_a_connection_id_is_one_apps_for_its_whole_life(
    server: ServerProcess, api: ApiClient
) -> None:
    other = ApiClient.for_new_app(server, "other")
    try:
        async with connect(ws_url(server, api, "mine")) as mine:
            await mine.send(start())
            await mine.recv()
            for client in (api, other):  # live: nobody opens it again, not even its own app
                async with connect(ws_url(server, client, "mine")) as second:
                    await second.send(start())
                    (error,) = of_kind(await drain(second, 10), "error")
                assert error["error"]["reason"] == "conflict"
                assert "already live" in error["error"]["message"]
            r = other.http.post(
                "/v1/event/mine", json={"type": "started_speaking", "user": {"name": "Eve"}}
            )
            assert r.status_code == 404
            await mine.send(json.dumps({"type": "stop_request"}))
            await drain(mine)
        async with connect(ws_url(server, other, "mine")) as taken:  # ended, still A's
            await taken.send(start())
            (error,) = of_kind(await drain(taken, 10), "error")
        assert error["error"]["reason"] == "conflict"
        token = token_for(server.base_url, other.app_id, other.app_secret)
        base = server.base_url.replace("http", "ws")
        async with connect(f"{base}/v1/subscribe/mine?access_token={token}") as peek:
            (error,) = of_kind(await drain(peek, 10), "error")
        assert error["error"]["reason"] == "not_found"
        async with connect(ws_url(server, api, "mine")) as again:  # its own app may reuse it
            await again.send(start())
            events = await drain_after_stop(again)
        assert of_kind(events, "conversation_completed")
        assert not of_kind(events, "error") or all(
            e["error"]["reason"] == "no_audio" for e in of_kind(events, "error")
        )
    finally:
        other.close()


async def drain_after_stop(ws: Any) -> list[dict[str, Any]]:
    await ws.recv()
    await ws.send(json.dumps({"type": "stop_request"}))
    return await drain(ws)
