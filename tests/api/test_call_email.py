"""After a phone call ends — here the independent pjsua2 bridge hangs up — the summary
e-mail reaches a real SMTP server for every address, as valid MIME with both parts, carrying
the call's actual action items, questions and transcript lines; the stop response and the
``conversation_completed`` event link the summary page."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from callscribe.ports import free_port
from callscribe.testing.server import ApiClient, ServerProcess
from peers.bridge_peer import pjsua2_bridge
from tests.actions.conftest import SmtpServer
from tests.api.test_telephony import follow, server_env, wait_ended

pytestmark = pytest.mark.slow
ADDRESSES = ["host@example.com", "notes@example.org"]


async def test_summary_email_after_a_call(tmp_path: Path) -> None:
    smtp = SmtpServer(free_port())
    smtp.start()
    env = server_env(
        CALLSCRIBE_SMTP_HOST="127.0.0.1",
        CALLSCRIBE_SMTP_PORT=str(smtp.port),
        CALLSCRIBE_SMTP_SECURITY="none",
    )
    try:
        with (
            pjsua2_bridge("--passcode", "", "--hangup-after", "45") as peer,
            ServerProcess(tmp_path / "data", env) as proc,
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
                            "parameters": {"emails": ADDRESSES},
                        }
                    ],
                    "data": {"session": {"name": "Pricing sync"}},
                },
            )
            assert r.status_code == 201, r.text
            started: dict[str, Any] = r.json()
            sub, task = await follow(api, started)
            status = await wait_ended(api, started["connectionId"], 120)
            await asyncio.wait_for(task, 30)
            conv_id = started["conversationId"]
            items = api.http.get(f"/v1/conversations/{conv_id}/action-items").json()
            questions = api.http.get(f"/v1/conversations/{conv_id}/questions").json()
            messages = api.http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
            for _ in range(200):  # the e-mail is sent in the background: up to a minute
                if smtp.inbox.messages:
                    break
                await asyncio.sleep(0.3)
            conv = api.http.get(f"/v1/conversations/{conv_id}").json()
            api.close()
    finally:
        smtp.stop()

    assert status["endReason"] == "remote_hangup"
    completed = sub.of("conversation_completed")[0]
    assert completed["data"]["summaryUrl"].startswith("http")
    assert messages
    (rcpts, mail), *others = smtp.inbox.messages
    assert not others
    assert sorted(rcpts) == sorted(ADDRESSES)
    assert "Pricing sync" in mail["Subject"]
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None
    assert html is not None
    text = plain.get_content()
    for item in items["actionItems"]:
        assert item["text"] in text
    for q in questions["questions"]:
        assert q["text"] in text
    for m in messages[:10]:
        assert m["text"] in text
    assert completed["data"]["summaryUrl"] in text
    (action,) = conv["actions"]
    assert action["status"] == "sent"
