"""Two real ``callscribe serve`` processes on the local PostgreSQL: jobs submitted through
either node run exactly once, spread over both; a node killed with a live SIP call is
found dead by the other within its lease, which finishes the call's conversation
(``node_lost``) and sends its summary e-mail once."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from callscribe.testing.server import ApiClient, ServerProcess
from peers.sipp_peer import free_udp_port, sipp
from tests.actions.conftest import SmtpServer, smtp  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow

LEASE = 6.0


def node_env(database: str, **extra: str) -> dict[str, str]:
    return {
        "CALLSCRIBE_DATABASE_URL": database,
        "CALLSCRIBE_NODE_LEASE_SECONDS": str(LEASE),
        "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}",
        "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
        "CALLSCRIBE_MEDIA_TIMEOUT": "30",
        **extra,
    }


def mail_env(smtp: SmtpServer) -> dict[str, str]:  # noqa: F811
    """Settings sending summary e-mails to the test's SMTP server."""
    return {
        "CALLSCRIBE_SMTP_HOST": "127.0.0.1",
        "CALLSCRIBE_SMTP_PORT": str(smtp.port),
        "CALLSCRIBE_SMTP_SECURITY": "none",
        "CALLSCRIBE_ACTION_RETRY_DELAY": "0.2",
    }


def call_with_summary(client: ApiClient, uri: str) -> dict[str, Any]:
    """Start a call to ``uri`` whose summary goes to owner@example.com when it ends."""
    r = client.http.post(
        "/v1/endpoint:connect",
        json={
            "operation": "start",
            "endpoint": {"type": "sip", "uri": uri},
            "actions": [
                {
                    "invokeOn": "stop",
                    "name": "sendSummaryEmail",
                    "parameters": {"emails": ["owner@example.com"]},
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    started: dict[str, Any] = r.json()
    return started


@pytest.fixture
def two_nodes(pg_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with (
        ServerProcess(tmp_path / "a", node_env(pg_url)) as a,
        ServerProcess(tmp_path / "b", node_env(pg_url)) as b,
    ):
        yield a, b


def finished_jobs(server: ServerProcess) -> list[str]:
    """Job ids the node's log says it finished."""
    out = []
    for line in server.log_text().splitlines():
        if line.startswith("{") and '"job finished"' in line:
            out.append(json.loads(line)["job_id"])
    return out


def test_jobs_through_both_nodes_each_run_exactly_once(
    two_nodes: tuple[ServerProcess, ServerProcess], pg_url: str
) -> None:
    a, b = two_nodes
    app_id, secret = a.create_app("cluster")
    clients = [ApiClient.for_app(node, app_id, secret) for node in (a, b)]
    submitted: list[str] = []
    for n in range(200):
        client = clients[n % 2]
        r = client.http.post(
            "/v1/process/text",
            json={
                "name": f"job {n}",
                "messages": [
                    {
                        "payload": {"content": f"Can you send report {n} by Friday?"},
                        "from": {"name": "Ann"},
                    },
                    {"payload": {"content": "Sure, I will."}, "from": {"name": "Bob"}},
                ],
            },
        )
        assert r.status_code == 201, r.text
        submitted.append(r.json()["jobId"])
    deadline = time.monotonic() + 600
    for job_id in submitted:
        left = max(1.0, deadline - time.monotonic())
        assert clients[1].wait_for_job(job_id, timeout=left)["status"] == "completed"
    for client in clients:
        client.close()

    ran = Counter(finished_jobs(a) + finished_jobs(b))
    assert set(ran) == set(submitted)
    assert set(ran.values()) == {1}  # each exactly once
    assert len(finished_jobs(a)) > 20  # the work was spread over both nodes
    assert len(finished_jobs(b)) > 20
    with psycopg.connect(pg_url) as db:
        attempts = db.execute("SELECT attempts, count(*) FROM jobs GROUP BY attempts").fetchall()
    assert attempts == [(1, 200)]


def test_a_node_killed_with_a_live_call_is_finished_by_the_other(
    pg_url: str,
    tmp_path: Path,
    smtp: SmtpServer,  # noqa: F811
) -> None:
    mail = mail_env(smtp)
    with (
        sipp("stream.xml", tmp_path / "sipp") as peer,
        ServerProcess(tmp_path / "a", node_env(pg_url, **mail)) as a,
        ServerProcess(tmp_path / "b", node_env(pg_url, **mail)) as b,
    ):
        app_id, secret = a.create_app("failover")
        on_a = ApiClient.for_app(a, app_id, secret)
        on_b = ApiClient.for_app(b, app_id, secret)
        started = call_with_summary(on_a, peer.uri)
        conv = started["conversationId"]

        def stored() -> list[dict[str, Any]]:
            body = on_b.http.get(f"/v1/conversations/{conv}/messages").json()
            return list(body.get("messages", []))

        deadline = time.monotonic() + 90
        while not stored() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert stored(), "node A stored nothing of the call"

        a.kill()
        killed = time.monotonic()
        while time.monotonic() - killed < 3 * LEASE + 30:
            status = on_b.http.get(f"/v1/endpoint/{started['connectionId']}").json()
            if status.get("conversationCompleted"):
                break
            time.sleep(0.5)
        took = time.monotonic() - killed
        assert status["endReason"] == "node_lost", status
        assert status["conversationCompleted"]
        assert took <= 2 * LEASE + 15, took  # within about a lease (and the finishing job)
        summary = on_b.http.get(f"/v1/conversations/{conv}").json()
        assert summary["metadata"]["endReason"] == "node_lost"
        deadline = time.monotonic() + 30
        while not smtp.inbox.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2 * LEASE)  # nothing more comes: not a second e-mail from another sweep
        on_a.close()
        on_b.close()
    assert len(smtp.inbox.messages) == 1
    recipients, message = smtp.inbox.messages[0]
    assert recipients == ["owner@example.com"]
    assert "Summary" in message["Subject"]
