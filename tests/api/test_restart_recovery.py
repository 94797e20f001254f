"""kill -9 of a real server in the middle of a phone call, a stream or text requests, then a
restart on the same data: each conversation is finished from what was stored — ended
``server_restart``, with an end time, insights, summary — within 30 s, its summary e-mail is
written exactly once, and no request cut by the kill leaves a conversation half made."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from callscribe.testing.server import ApiClient, ServerProcess, token_for
from tests.api.test_streaming import CHUNK, RATE, speech, start_request
from tests.api.test_telephony import server_env
from tests.peers.bridge_peer import pjsua2_bridge

pytestmark = pytest.mark.slow


def _wait(condition: Any, limit: float, what: str) -> Any:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what} within {limit} s")


async def test_a_call_killed_with_the_server_is_finished_after_the_restart(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with (
        pjsua2_bridge("--passcode", "", "--hangup-after", "120") as peer,
        ServerProcess(data, server_env()) as proc,
    ):
        api = ApiClient.for_new_app(proc)
        r = api.http.post(
            "/v1/endpoint:connect",
            json={
                "operation": "start",
                "endpoint": {"type": "sip", "uri": peer.uri(), "dtmf": "85012345678#,,#"},
                "actions": [
                    {
                        "invokeOn": "stop",
                        "name": "sendSummaryEmail",
                        "parameters": {"emails": ["host@example.com"]},
                    }
                ],
                "data": {"session": {"name": "Killed mid-call"}},
            },
        )
        assert r.status_code == 201, r.text
        conv_id = r.json()["conversationId"]
        messages = f"/v1/conversations/{conv_id}/messages"
        heard = _wait(
            lambda: len(api.http.get(messages).json()["messages"]) >= 2, 90, "two messages"
        )
        assert heard
        before = api.http.get(messages).json()["messages"]

        proc.kill()
        killed_at = time.monotonic()
        proc.start()  # the same data: the app's token still holds

        def finished() -> dict[str, Any] | None:
            got: dict[str, Any] = api.http.get(f"/v1/conversations/{conv_id}").json()
            return got if got["status"] == "completed" else None

        conversation = _wait(finished, 30 + (time.monotonic() - killed_at), "completed")
        assert conversation["endTime"] is not None
        assert conversation["metadata"]["endReason"] == "server_restart"
        assert conversation["metadata"]["call"]["endReason"] == "server_restart"
        assert conversation["metadata"]["call"]["state"] == "ended"
        status = api.http.get(f"/v1/endpoint/{r.json()['connectionId']}").json()
        assert (status["state"], status["endReason"]) == ("ended", "server_restart")
        assert status["conversationId"] == conv_id
        assert status["conversationCompleted"] is True
        after = api.http.get(messages).json()["messages"]
        assert [m["text"] for m in after[: len(before)]] == [m["text"] for m in before]
        summary = api.http.get(f"/v1/conversations/{conv_id}/summary")
        assert summary.status_code == 200, summary.text
        analytics = api.http.get(f"/v1/conversations/{conv_id}/analytics")
        assert analytics.status_code == 200, analytics.text

        outbox = data / "outbox"
        mails = _wait(lambda: list(outbox.glob("*.eml")), 30, "the summary e-mail")
        assert len(mails) == 1
        assert "Killed mid-call" in mails[0].read_text(errors="replace")

        proc.restart()  # nothing is left to finish: no second e-mail, no second job
        await asyncio.sleep(3)
        assert len(list(outbox.glob("*.eml"))) == 1
        with sqlite3.connect(data / "callscribe.db") as db:
            finish_jobs = db.execute(
                "select status from jobs where conversation_id = ? and kind = 'finish'", (conv_id,)
            ).fetchall()
        assert finish_jobs == [("completed",)]
        api.close()


async def test_a_stream_killed_with_the_server_is_finished_after_the_restart(
    tmp_path: Path,
) -> None:
    with ServerProcess(tmp_path / "data", {"CALLSCRIBE_PRELOAD_MODELS": "true"}) as proc:
        api = ApiClient.for_new_app(proc)
        token = token_for(proc.base_url, api.app_id, api.app_secret)
        pcm, _texts, _seconds = speech(4)
        url = proc.base_url.replace("http", "ws") + "/v1/streaming/killed-stream"
        async with connect(f"{url}?access_token={token}") as ws:
            await ws.send(start_request())
            conv_id = ""
            while not conv_id:  # recognition_started carries it
                event = json.loads(await ws.recv())
                conv_id = (event.get("message", {}).get("data") or {}).get("conversationId", "")
            messages = f"/v1/conversations/{conv_id}/messages"
            began = time.monotonic()
            for offset in range(0, len(pcm), CHUNK * 2):  # at the audio's own pace
                await ws.send(pcm[offset : offset + CHUNK * 2])
                await asyncio.sleep(max(0.0, offset / 2 / RATE - (time.monotonic() - began)))
                if offset % (RATE * 2) == 0 and api.http.get(messages).json()["messages"]:
                    break
            assert api.http.get(messages).json()["messages"], "nothing stored before the kill"
            proc.kill()
        killed_at = time.monotonic()
        proc.start()

        def finished() -> dict[str, Any] | None:
            got: dict[str, Any] = api.http.get(f"/v1/conversations/{conv_id}").json()
            return got if got["status"] == "completed" else None

        conversation = _wait(finished, 30 + (time.monotonic() - killed_at), "completed")
        assert conversation["metadata"]["endReason"] == "server_restart"
        assert conversation["endTime"] is not None
        assert api.http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
        assert api.http.get(f"/v1/conversations/{conv_id}/summary").status_code == 200
        api.close()


def test_text_requests_cut_by_a_kill_leave_nothing_half_done(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with ServerProcess(data, {"CALLSCRIBE_PRELOAD_MODELS": "false"}) as proc:
        api = ApiClient.for_new_app(proc)
        lines = [
            {"payload": {"content": f"Line {n}: Bob, can you send the notes by Friday?"},
             "from": {"name": "Ann" if n % 2 else "Bob"}}
            for n in range(40)
        ]  # fmt: skip
        accepted: list[str] = []
        stop = threading.Event()

        def post() -> None:
            with httpx.Client(base_url=proc.base_url, headers=api.http.headers) as http:
                while not stop.is_set():
                    try:
                        r = http.post("/v1/process/text", json={"messages": lines})
                    except httpx.TransportError:
                        return
                    if r.status_code == 201:
                        accepted.append(r.json()["conversationId"])

        workers = [threading.Thread(target=post) for _ in range(3)]
        for worker in workers:
            worker.start()
        time.sleep(1.5)
        proc.kill()  # in the middle of requests, and of the jobs already accepted
        stop.set()
        for worker in workers:
            worker.join(30)
        assert accepted
        proc.start()

        def settled() -> list[dict[str, Any]] | None:
            listed: list[dict[str, Any]] = api.http.get("/v1/conversations").json()["conversations"]
            return listed if all(c["status"] == "completed" for c in listed) else None

        conversations = _wait(settled, 120, "every conversation completed")
        ids = {c["id"] for c in conversations}
        assert set(accepted) <= ids  # whatever was answered 201 is there
        for conv_id in ids:  # and nothing is there without its messages
            got = api.http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
            assert len(got) == len(lines), conv_id
        api.close()
