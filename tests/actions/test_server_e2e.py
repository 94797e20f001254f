"""The whole flow against a real ``callscribe serve``: a text conversation with a
``sendSummaryEmail`` action and a webhook subscription completes; the e-mail reaches a real
SMTP server for every address with the meeting's real insights; the webhook receiver (which
answers 500 at first) verifies the signature and gets ``conversation.completed`` once; the
job's ``webhookUrl`` is called; the summary page is rendered by headless Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import pytest
from callscribe_sdk import WebhookInvalid, verify_webhook
from standardwebhooks import Webhook, WebhookVerificationError

from callscribe.actions import verify_signature
from callscribe.ports import free_port
from callscribe.testing.server import ApiClient, ServerProcess
from tests.actions.conftest import SmtpServer
from tests.actions.receiver import Receiver, webhook_receiver

FIXTURE = Path(__file__).parents[1] / "fixtures" / "insights" / "meeting.json"
OUTPUT = Path(__file__).parents[2] / "test-output"
ADDRESSES = ["lead@example.com", "pm@example.org", "cto@example.net"]

T = TypeVar("T")

pytestmark = pytest.mark.slow


def eventually(probe: Callable[[], T | None], within: float = 60.0) -> T:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with webhook_receiver({"/hooks/completed": 2}) as r:
        yield r


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer
) -> Iterator[ServerProcess]:
    env = {
        "CALLSCRIBE_SMTP_HOST": "127.0.0.1",
        "CALLSCRIBE_SMTP_PORT": str(smtp_server.port),
        "CALLSCRIBE_SMTP_SECURITY": "none",
        "CALLSCRIBE_SMTP_FROM": "callscribe <notes@callscribe.test>",
        "CALLSCRIBE_ACTION_RETRY_DELAY": "0.3",
        "CALLSCRIBE_ACTION_RETRY_MAX_DELAY": "1",
        "CALLSCRIBE_WEBHOOK_ALLOW_PRIVATE": "true",
    }
    with ServerProcess(tmp_path_factory.mktemp("actions") / "data", env) as proc:
        yield proc


@pytest.fixture(scope="module")
def finished(
    server: ServerProcess, receiver: Receiver, smtp_server: SmtpServer
) -> Iterator[dict[str, Any]]:
    """Subscribe, submit the meeting with an e-mail action, wait for the job."""
    api = ApiClient.for_new_app(server, "actions")
    r = api.http.post(
        "/v1/webhooks",
        json={"url": receiver.url("/hooks/completed"), "events": ["conversation.completed"]},
    )
    assert r.status_code == 201, r.text
    hook = r.json()
    body = {
        "name": "Atlas launch sync",
        "messages": json.loads(FIXTURE.read_text()),
        "webhookUrl": receiver.url("/hooks/job"),
        "actions": [
            {
                "invokeOn": "stop",
                "name": "sendSummaryEmail",
                "parameters": {"emails": ADDRESSES},
            }
        ],
    }
    r = api.http.post("/v1/process/text", json=body)
    assert r.status_code == 201, r.text
    accepted = r.json()
    assert api.wait_for_job(accepted["jobId"], timeout=180)["status"] == "completed"
    cid = accepted["conversationId"]
    insights = {
        kind: api.http.get(f"/v1/conversations/{cid}/{kind}").json()
        for kind in ("action-items", "questions", "follow-ups", "messages")
    }
    yield {"api": api, "hook": hook, "cid": cid, "job": accepted["jobId"], **insights}
    api.close()


def _mail(smtp_server: SmtpServer) -> tuple[list[str], EmailMessage]:
    return eventually(lambda: smtp_server.inbox.messages[0] if smtp_server.inbox.messages else None)


def test_summary_email_reaches_every_address_with_the_meetings_insights(
    finished: dict[str, Any], smtp_server: SmtpServer, server: ServerProcess
) -> None:
    rcpts, msg = _mail(smtp_server)
    assert sorted(rcpts) == sorted(ADDRESSES)
    assert msg["Subject"].startswith("Summary: Atlas launch sync — 11 Mar 2026")
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None
    assert html is not None
    text, markup = plain.get_content(), html.get_content()

    action_items = finished["action-items"]["actionItems"]
    questions = finished["questions"]["questions"]
    assert action_items
    assert questions
    for item in action_items:
        assert item["text"] in text
        if item["assignee"].get("name"):
            assert f"{item['text']} [assignee: {item['assignee']['name']}]" in text
    for q in questions:
        assert q["text"] in text
    for m in finished["messages"]["messages"][:20]:
        assert f"{m['from']['name']}: {m['text']}" in text
    assert f"{server.base_url}/c/{finished['cid']}/" in text
    assert f'href="{server.base_url}/c/{finished["cid"]}/' in markup
    assert "Sarah Chen" in markup

    conv = finished["api"].http.get(f"/v1/conversations/{finished['cid']}").json()
    (action,) = eventually(
        lambda: [a for a in conv_actions(finished) if a["status"] != "pending"] or None
    )
    assert action["name"] == "sendSummaryEmail"
    assert action["invokeOn"] == "stop"
    assert action["status"] == "sent"
    assert action["attempts"] == 1
    assert action["deliveredAt"]
    assert conv["status"] == "completed"
    time.sleep(0.5)
    assert len(smtp_server.inbox.messages) == 1


def conv_actions(finished: dict[str, Any]) -> list[dict[str, Any]]:
    body = finished["api"].http.get(f"/v1/conversations/{finished['cid']}").json()
    actions: list[dict[str, Any]] = body["actions"]
    return actions


def test_webhook_is_signed_retried_and_fires_once(
    finished: dict[str, Any], receiver: Receiver
) -> None:
    ok = eventually(lambda: [c for c in receiver.on("/hooks/completed") if c.answered == 200])
    calls = receiver.on("/hooks/completed")
    assert [c.answered for c in calls] == [500, 500, 200]
    assert len(ok) == 1
    secret = finished["hook"]["secret"]
    for call in calls:
        assert call.headers["x-callscribe-event"] == "conversation.completed"
        # verified by the Standard Webhooks library itself, as any receiver would
        assert Webhook(secret).verify(call.body, dict(call.headers))["conversationId"]
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(call.body + b" ", dict(call.headers))
        assert verify_signature(secret, call.body, call.headers)
        assert verify_webhook(secret, call.body, call.headers)["conversationId"]
        with pytest.raises(WebhookInvalid):
            verify_webhook(secret, call.body, {**call.headers, "webhook-id": "another"})
    assert len({c.headers["webhook-id"] for c in calls}) == 1
    payload = json.loads(calls[-1].body)
    assert payload["conversationId"] == finished["cid"]
    assert payload["summaryUrl"].startswith("http://127.0.0.1:")

    api = finished["api"]
    log = api.http.get(f"/v1/webhooks/{finished['hook']['id']}/deliveries").json()["deliveries"]
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [
        ("conversation.completed", "sent", 3)
    ]
    assert log[0]["error"] is None

    job_calls = eventually(lambda: receiver.on("/hooks/job"))
    assert json.loads(job_calls[0].body) == {
        "jobId": finished["job"],
        "status": "completed",
        "conversationId": finished["cid"],
    }
    assert "webhook-signature" not in job_calls[0].headers  # a job's webhookUrl has no secret
    assert job_calls[0].headers["webhook-id"]


def test_webhook_routes_validate_and_delete(finished: dict[str, Any]) -> None:
    http = finished["api"].http
    bad = http.post(
        "/v1/webhooks", json={"url": "ftp://example.com/x", "events": ["insight.created"]}
    )
    assert bad.status_code == 400
    assert "scheme" in bad.json()["message"]
    listed = http.get("/v1/webhooks").json()["webhooks"]
    assert [w["id"] for w in listed] == [finished["hook"]["id"]]
    made = http.post(
        "/v1/webhooks", json={"url": "https://hooks.example.com/a", "events": ["insight.created"]}
    ).json()
    assert http.delete(f"/v1/webhooks/{made['id']}").status_code == 204
    assert http.get(f"/v1/webhooks/{made['id']}").status_code == 404


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chromium")
    if exe is None:
        pytest.fail("Debian's chromium is not installed (scripts/apt-packages.txt)")
    profile = Path(tempfile.mkdtemp(prefix="callscribe-chromium-"))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
    try:
        return subprocess.run(
            [exe, *flags, *args], capture_output=True, text=True, timeout=120, check=True
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_summary_page_in_headless_chromium(
    finished: dict[str, Any], server: ServerProcess, receiver: Receiver
) -> None:
    """The link the webhook (and the e-mail) carry opens the page, on a phone-sized screen."""
    ok = eventually(lambda: [c for c in receiver.on("/hooks/completed") if c.answered == 200])
    url = json.loads(ok[0].body)["summaryUrl"]
    assert url.startswith(f"{server.base_url}/c/{finished['cid']}/")
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "summary-page.png"
    shot.unlink(missing_ok=True)
    _chromium("--window-size=412,2400", f"--screenshot={shot}", url)
    assert shot.stat().st_size > 10_000
    dom = _chromium("--dump-dom", url).stdout
    assert "Atlas launch sync" in dom
    for item in finished["action-items"]["actionItems"]:
        assert item["text"] in dom
    for q in finished["questions"]["questions"]:
        assert q["text"] in dom
    for m in finished["messages"]["messages"]:
        assert m["text"] in dom
    assert "<svg" in dom
    assert dom.count("<circle") == len(finished["messages"]["messages"])

    http = finished["api"].http
    path = url.removeprefix(server.base_url)
    assert http.get(path).status_code == 200
    assert http.get(path[:-4] + "AAAA").status_code == 404
    other = path.replace(finished["cid"], "1" * 16)
    assert http.get(other).status_code == 404


def test_experience_links_expire_and_revoking_ends_every_link(
    finished: dict[str, Any], server: ServerProcess, receiver: Receiver
) -> None:
    """Symbl's Experience API: a summary link that lasts ``summaryURLExpiresIn`` seconds
    (410 once it has expired); revoking ends every link, the e-mailed one included."""
    http, cid = finished["api"].http, finished["cid"]
    ok = eventually(lambda: [c for c in receiver.on("/hooks/completed") if c.answered == 200])
    mailed = json.loads(ok[0].body)["summaryUrl"].removeprefix(server.base_url)

    def made(**body: Any) -> dict[str, Any]:
        r = http.post(f"/v1/conversations/{cid}/experiences", json=body)
        assert r.status_code == 200, r.text
        return dict(r.json())

    short = made(name="verbose-text-summary", summaryURLExpiresIn=2, logo="https://x.test/l.png")
    lasting = made(name="verbose-text-summary")  # Symbl's default: 30 days
    forever = made(name="verbose-text-summary", summaryURLExpiresIn=0)
    assert "expiresAt" not in forever
    assert lasting["expiresAt"].startswith(str(time.gmtime(time.time() + 30 * 86400).tm_year))
    for link in (short, lasting, forever):
        assert link["url"].startswith(f"{server.base_url}/c/{cid}/")
        assert http.get(link["url"].removeprefix(server.base_url)).status_code == 200
    time.sleep(2.5)
    expired = http.get(short["url"].removeprefix(server.base_url))
    assert expired.status_code == 410
    assert "expired" in expired.json()["message"]

    for bad, needle in (
        ({"name": "video-summary"}, "video-summary"),
        ({"name": "verbose-text-summary", "summaryURLExpiresIn": -1}, "summaryURLExpiresIn"),
        ({"summaryURLExpiresIn": 60}, "name"),
    ):
        r = http.post(f"/v1/conversations/{cid}/experiences", json=bad)
        assert r.status_code in (400, 422), r.text
        assert needle in r.json()["message"]
    assert (
        http.post(
            "/v1/conversations/1111111111111111/experiences", json={"name": "verbose-text-summary"}
        ).status_code
        == 404
    )

    r = http.delete(f"/v1/conversations/{cid}/experiences")
    assert r.status_code == 200, r.text
    for path in (mailed, lasting["url"], forever["url"]):
        assert http.get(path.removeprefix(server.base_url)).status_code == 404
    renewed = made(name="verbose-text-summary", summaryURLExpiresIn=0)
    assert renewed["url"] != forever["url"]
    assert http.get(renewed["url"].removeprefix(server.base_url)).status_code == 200
    assert http.delete("/v1/conversations/1111111111111111/experiences").status_code == 404
