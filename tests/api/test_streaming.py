"""The Streaming API end to end over a real WebSocket with real recorded speech.

Audio goes in at real-time pace, as a client would send it; interim and final results,
messages and ``conversation_completed`` come back, a subscriber sees the same events, and
the conversation is in the Conversation API afterwards.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection, connect

from bench.asr import corpus
from callscribe.audio.files import decode_file
from callscribe.testing.server import ApiClient, ServerProcess, token_for

RATE = 8000
CHUNK = RATE // 50  # 20 ms frames, as a telephone or a browser sends them


@pytest.fixture(scope="module")
def streaming_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path_factory.mktemp("stream") / "data") as proc:
        yield proc


@pytest.fixture(scope="module")
def api(streaming_server: ServerProcess) -> Iterator[ApiClient]:
    client = ApiClient.for_new_app(streaming_server)
    yield client
    client.close()


def speech(count: int) -> tuple[bytes, list[str], float]:
    """``count`` real telephone prompts with a second of silence after each, as s16le 8 kHz."""
    prompts = corpus.subset(count, max_seconds=6.0)
    gap = np.zeros(RATE, dtype=np.float32)
    parts: list[np.ndarray] = []
    for p in prompts:
        parts += [decode_file(p.wav, rate=RATE), gap]
    audio = np.concatenate(parts)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    return pcm, [p.text for p in prompts], len(audio) / RATE


def start_request(**extra: Any) -> str:
    body: dict[str, Any] = {
        "type": "start_request",
        "insightTypes": ["question", "action_item"],
        "config": {
            "meetingTitle": "Streaming test",
            "speechRecognition": {"encoding": "LINEAR16", "sampleRateHertz": RATE},
        },
        "speaker": {"userId": "allison@example.com", "name": "Allison"},
        **extra,
    }
    return json.dumps({k: v for k, v in body.items() if v is not None})


async def collect(ws: ClientConnection, into: list[dict[str, Any]]) -> None:
    async for raw in ws:
        into.append(json.loads(raw))


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["message"]["type"] if e["type"] == "message" else e["type"] for e in events]


async def stream_speech(
    url: str, token: str, pcm: bytes, *, subscribe_url: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    seen_by_subscriber: list[dict[str, Any]] = []
    async with connect(f"{url}?access_token={token}") as ws:
        await ws.send(start_request())
        first = [json.loads(await ws.recv()), json.loads(await ws.recv())]
        events += first
        async with asyncio.TaskGroup() as tg:
            sub_task = None
            if subscribe_url:
                sub = await connect(f"{subscribe_url}?access_token={token}")
                sub_task = tg.create_task(collect(sub, seen_by_subscriber))
            reader = tg.create_task(collect(ws, events))
            began = time.monotonic()
            for offset in range(0, len(pcm), CHUNK * 2):
                await ws.send(pcm[offset : offset + CHUNK * 2])
                # real-time pace: never ahead of the audio's own clock
                ahead = (offset / 2 / RATE) - (time.monotonic() - began)
                if ahead > 0:
                    await asyncio.sleep(ahead)
            await ws.send(json.dumps({"type": "stop_request"}))
            await asyncio.wait_for(reader, 120)
            if sub_task is not None:
                await asyncio.wait_for(sub_task, 30)
    return events, seen_by_subscriber


async def test_stream_real_speech_live(streaming_server: ServerProcess, api: ApiClient) -> None:
    pcm, texts, seconds = speech(5)
    token = token_for(streaming_server.base_url, api.app_id, api.app_secret)
    base = streaming_server.base_url.replace("http", "ws")
    events, subscribed = await stream_speech(
        f"{base}/v1/streaming/conn-1", token, pcm, subscribe_url=f"{base}/v1/subscribe/conn-1"
    )
    order = kinds(events)
    assert order[:2] == ["started_listening", "recognition_started"]
    conversation_id = events[1]["message"]["data"]["conversationId"]
    assert order[-1] == "conversation_completed"
    assert "recognition_stopped" in order
    assert "error" not in order, [e for e in events if kinds([e]) == ["error"]]

    results = [e["message"] for e in events if kinds([e]) == ["recognition_result"]]
    interims = [r for r in results if not r["isFinal"]]
    finals = [r for r in results if r["isFinal"]]
    assert interims, "interim hypotheses must arrive while someone speaks"
    assert len(finals) >= len(texts) - 1
    hypothesis = " ".join(f["punctuated"]["transcript"] for f in finals)
    error = corpus.wer([" ".join(texts)], [hypothesis])
    assert error <= 0.15, (error, hypothesis)
    for final in finals:
        words = final["payload"]["raw"]["alternatives"][0]["words"]
        assert words
        for w in words:
            start = int(w["startTime"]["seconds"]) + int(w["startTime"]["nanos"]) / 1e9
            end = int(w["endTime"]["seconds"]) + int(w["endTime"]["nanos"]) / 1e9
            assert 0 <= start <= end <= seconds + 0.5
        assert final["user"]["name"] == "Allison"

    messages = [m for e in events if e["type"] == "message_response" for m in e["messages"]]
    assert [m["payload"]["content"] for m in messages] == [
        f["punctuated"]["transcript"] for f in finals
    ]
    assert all(m["from"]["name"] == "Allison" for m in messages)

    # The subscriber saw the same live results (it joined after the first two events).
    sub_kinds = kinds(subscribed)
    assert sub_kinds[-1] == "conversation_completed"
    assert [
        e["message"]["punctuated"]["transcript"]
        for e in subscribed
        if kinds([e]) == ["recognition_result"] and e["message"]["isFinal"]
    ] == [f["punctuated"]["transcript"] for f in finals]

    # Afterwards the conversation is complete in the Conversation API.
    conv = api.http.get(f"/v1/conversations/{conversation_id}").json()
    assert conv["status"] == "completed"
    assert conv["name"] == "Streaming test"
    stored = api.http.get(
        f"/v1/conversations/{conversation_id}/messages", params={"verbose": "true"}
    ).json()["messages"]
    assert [m["text"] for m in stored] == [m["payload"]["content"] for m in messages]
    assert all(m["words"] for m in stored)
    assert api.http.get(f"/v1/conversations/{conversation_id}/summary").status_code == 200


async def test_speaker_events_attribute_the_following_speech(
    streaming_server: ServerProcess, api: ApiClient
) -> None:
    prompts = corpus.subset(4, max_seconds=6.0)[2:]
    gap = np.zeros(RATE, dtype=np.float32)
    chunks = []
    for p in prompts:
        audio = np.concatenate([decode_file(p.wav, rate=RATE), gap])
        chunks.append((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    token = token_for(streaming_server.base_url, api.app_id, api.app_secret)
    base = streaming_server.base_url.replace("http", "ws")
    people = [("ann@example.com", "Ann"), ("bob@example.com", "Bob")]
    events: list[dict[str, Any]] = []
    async with connect(f"{base}/v1/streaming/conn-speakers?access_token={token}") as ws:
        await ws.send(start_request(speaker=None))
        events += [json.loads(await ws.recv()), json.loads(await ws.recv())]
        async with asyncio.TaskGroup() as tg:
            reader = tg.create_task(collect(ws, events))
            began, sent = time.monotonic(), 0
            for (user_id, name), pcm in zip(people, chunks, strict=True):
                r = api.http.post(
                    "/v1/event/conn-speakers",
                    json={"type": "started_speaking", "user": {"userId": user_id, "name": name}},
                )
                assert r.status_code == 200, r.text
                for offset in range(0, len(pcm), CHUNK * 2):
                    await ws.send(pcm[offset : offset + CHUNK * 2])
                    sent += CHUNK
                    ahead = sent / RATE - (time.monotonic() - began)
                    if ahead > 0:
                        await asyncio.sleep(ahead)
            await ws.send(json.dumps({"type": "stop_request"}))
            await asyncio.wait_for(reader, 120)
    conversation_id = events[1]["message"]["data"]["conversationId"]
    stored = api.http.get(f"/v1/conversations/{conversation_id}/messages").json()["messages"]
    assert [m["from"]["name"] for m in stored] == ["Ann", "Bob"]
    assert stored[0]["from"]["userId"] == "ann@example.com"
    members = api.http.get(f"/v1/conversations/{conversation_id}/members").json()["members"]
    assert sorted(m["name"] for m in members) == ["Ann", "Bob"]


async def test_timestamped_speaker_events_split_a_quick_exchange_even_when_late(
    streaming_server: ServerProcess, api: ApiClient
) -> None:
    """Two people with 0.35 s between them (one utterance to the end-pointer): each event is
    posted a second after its speaker began, with the timestamp of when they did."""
    first, second = corpus.subset(4, max_seconds=6.0)[2:]
    a, b = decode_file(first.wav, rate=RATE), decode_file(second.wav, rate=RATE)
    gap = np.zeros(int(RATE * 0.35), dtype=np.float32)
    lead, tail = np.zeros(RATE // 2, dtype=np.float32), np.zeros(RATE * 2, dtype=np.float32)
    audio = np.concatenate([lead, a, gap, b, tail])
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    starts = {"Ann": 0.5, "Bob": 0.5 + (len(a) + len(gap)) / RATE}
    token = token_for(streaming_server.base_url, api.app_id, api.app_secret)
    base = streaming_server.base_url.replace("http", "ws")
    events: list[dict[str, Any]] = []
    placed: list[dict[str, Any]] = []
    async with connect(f"{base}/v1/streaming/conn-late?access_token={token}") as ws:
        await ws.send(start_request(speaker=None))
        events += [json.loads(await ws.recv()), json.loads(await ws.recv())]
        async with asyncio.TaskGroup() as tg:
            reader = tg.create_task(collect(ws, events))
            began, due = time.time(), dict(starts)
            for offset in range(0, len(pcm), CHUNK * 2):
                await ws.send(pcm[offset : offset + CHUNK * 2])
                now = offset / 2 / RATE
                for name, at in list(due.items()):
                    if now >= at + 1.0:  # a second late
                        stamp = datetime.fromtimestamp(began + at, UTC).isoformat()
                        body = {
                            "type": "started_speaking",
                            "user": {"userId": f"{name.lower()}@example.com", "name": name},
                            "timestamp": stamp,
                        }
                        r = api.http.post("/v1/event/conn-late", json=body)
                        assert r.status_code == 200, r.text
                        placed.append(r.json())
                        del due[name]
                        nobody = {"type": "started_speaking", "user": {}}
                        r = api.http.post("/v1/event/conn-late", json=nobody)
                        assert r.status_code == 400
                        assert "user.userId" in r.json()["message"]
                ahead = now - (time.time() - began)
                if ahead > 0:
                    await asyncio.sleep(ahead)
            await ws.send(json.dumps({"type": "stop_request"}))
            await asyncio.wait_for(reader, 120)
    assert [p["placedBy"] for p in placed] == ["timestamp", "timestamp"]
    for p, at in zip(placed, starts.values(), strict=True):
        assert abs(p["streamOffset"] - at) <= 0.3, (placed, starts)
    conversation_id = events[1]["message"]["data"]["conversationId"]
    stored = api.http.get(f"/v1/conversations/{conversation_id}/messages").json()["messages"]
    assert [m["from"].get("name") for m in stored] == ["Ann", "Bob"]
    assert corpus.wer([first.text], [stored[0]["text"]]) <= 0.25
    assert corpus.wer([second.text], [stored[1]["text"]]) <= 0.25
    r = api.http.post("/v1/event/conn-late", json={"type": "started_speaking", "user": {}})
    assert r.status_code == 404  # the stream has ended
