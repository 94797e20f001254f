"""kill -9 of a real server in the middle of a phone call, then a restart on the same data: the
call's conversation is finished from what was stored — ended ``server_restart``, with an end
time, insights, summary — within 30 s, and its summary e-mail is written exactly once."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from callscribe.testing.server import ApiClient, ServerProcess
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
