"""The issue's main slice over real HTTP: app -> token -> text in -> job -> messages out.

Runs against a real ``callscribe serve`` process, once on SQLite and once on PostgreSQL, and
restarts it on the same data to show nothing is lost.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from callscribe.testing.server import ApiClient, ServerProcess, token_for

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {}
    if request.param == "postgres":
        env["CALLSCRIBE_DATABASE_URL"] = request.getfixturevalue("pg_url")
    with ServerProcess(tmp_path / "data", env) as proc:
        yield proc


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_text_conversation_round_trip_survives_restart(fresh_server: ServerProcess) -> None:
    api = ApiClient.for_new_app(fresh_server, "planning")
    body = json.loads((FIXTURES / "api" / "planning_call.json").read_text())
    sent = body["messages"]
    assert len(sent) >= 30

    r = api.http.post("/v1/process/text", json=body)
    assert r.status_code == 201, r.text
    accepted = r.json()
    conversation_id, job_id = accepted["conversationId"], accepted["jobId"]
    assert api.wait_for_job(job_id)["status"] == "completed"

    def check_messages(http: httpx.Client) -> None:
        r = http.get(f"/v1/conversations/{conversation_id}/messages", params={"verbose": "true"})
        assert r.status_code == 200, r.text
        got = r.json()["messages"]
        assert [m["text"] for m in got] == [m["payload"]["content"] for m in sent]
        assert [m["from"]["name"] for m in got] == [m["from"]["name"] for m in sent]
        assert [m["from"]["userId"] for m in got] == [m["from"]["userId"] for m in sent]
        for out, inp in zip(got, sent, strict=True):
            assert _iso(out["startTime"]) == _iso(inp["duration"]["startTime"])
            assert _iso(out["endTime"]) == _iso(inp["duration"]["endTime"])
            assert out["conversationId"] == conversation_id
            assert out["duration"] == pytest.approx(
                (_iso(out["endTime"]) - _iso(out["startTime"])).total_seconds(), abs=0.002
            )
            assert out["words"], "verbose=true must include words"
            assert " ".join(w["word"] for w in out["words"]) == out["text"]
        offsets = [m["timeOffset"] for m in got]
        assert offsets[0] == 0
        assert offsets == sorted(offsets)

    check_messages(api.http)
    conv = api.http.get(f"/v1/conversations/{conversation_id}").json()
    assert conv["name"] == "Weekly planning"
    assert conv["status"] == "completed"
    assert sorted(m["name"] for m in conv["members"]) == ["Chen Wei", "Dev Patel", "Maria Lopez"]
    listed = api.http.get("/v1/conversations").json()["conversations"]
    assert [c["id"] for c in listed] == [conversation_id]

    # Restart on the same data directory / database: the conversation and the token still work.
    fresh_server.restart()
    check_messages(api.http)
    assert api.http.get(f"/v1/job/{job_id}").json()["status"] == "completed"
    api.http.close()


def test_append_rename_and_delete(client: ApiClient) -> None:
    http = client.http
    first = http.post(
        "/v1/process/text",
        json={
            "name": "Append me",
            "messages": [
                {"payload": {"content": "We start here."}, "from": {"name": "Speaker 1"}},
                {"payload": {"content": "And go on."}, "from": {"name": "Speaker 2"}},
            ],
        },
    ).json()
    client.wait_for_job(first["jobId"])
    conv_id = first["conversationId"]
    second = http.put(
        f"/v1/process/text/{conv_id}",
        json={
            "messages": [{"payload": {"content": "Appended later."}, "from": {"name": "Speaker 1"}}]
        },
    )
    assert second.status_code == 201, second.text
    assert second.json()["conversationId"] == conv_id
    assert client.wait_for_job(second.json()["jobId"])["status"] == "completed"

    messages = http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
    assert [m["text"] for m in messages] == ["We start here.", "And go on.", "Appended later."]
    # Untimed text gets times: one after another, never overlapping.
    assert all(_iso(a["endTime"]) <= _iso(b["startTime"]) for a, b in itertools.pairwise(messages))
    assert "words" not in messages[0]

    members = http.get(f"/v1/conversations/{conv_id}/members").json()["members"]
    speaker1 = next(m for m in members if m["name"] == "Speaker 1")
    r = http.put(
        f"/v1/conversations/{conv_id}/members/{speaker1['id']}",
        json={"id": speaker1["id"], "name": "Priya Shah", "email": "priya@example.com"},
    )
    assert r.status_code == 200, r.text
    messages = http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
    assert [m["from"]["name"] for m in messages] == ["Priya Shah", "Speaker 2", "Priya Shah"]
    assert messages[0]["from"]["userId"] == "priya@example.com"

    r = http.delete(f"/v1/conversations/{conv_id}")
    assert r.status_code == 200
    assert "deleted" in r.json()["message"]
    for path in ("", "/messages", "/members"):
        r = http.get(f"/v1/conversations/{conv_id}{path}")
        assert r.status_code == 404
        assert conv_id in r.json()["message"]
    assert http.get(f"/v1/job/{first['jobId']}").status_code == 404


def test_concurrent_appends_all_land(fresh_server: ServerProcess) -> None:
    """Three clients append to one conversation at once: every job completes, nothing lost."""
    api = ApiClient.for_new_app(fresh_server, "appends")
    first = api.http.post(
        "/v1/process/text",
        json={"messages": [{"payload": {"content": "Let's begin."}, "from": {"name": "Ann"}}]},
    ).json()
    conv_id = first["conversationId"]

    def append(client: int) -> list[str]:
        jobs = []
        with httpx.Client(base_url=fresh_server.base_url, headers=api.http.headers) as http:
            for n in range(10):
                text = f"Client {client} says {n}, and Bob will send the notes by Friday."
                r = http.put(
                    f"/v1/process/text/{conv_id}",
                    json={"messages": [{"payload": {"content": text}, "from": {"name": "Bob"}}]},
                )
                assert r.status_code == 201, r.text
                jobs.append(r.json()["jobId"])
        return jobs

    with ThreadPoolExecutor(3) as pool:
        jobs = [j for batch in pool.map(append, range(3)) for j in batch]
    finished = [api.wait_for_job(j, timeout=180) for j in [first["jobId"], *jobs]]
    assert [f["status"] for f in finished] == ["completed"] * 31, [f.get("error") for f in finished]
    messages = api.http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
    assert len(messages) == 31
    conversation = api.http.get(f"/v1/conversations/{conv_id}").json()
    assert conversation["status"] == "completed"
    api.close()


def test_apps_are_isolated(server: ServerProcess, client: ApiClient) -> None:
    created = client.http.post(
        "/v1/process/text",
        json={"messages": [{"payload": {"content": "Private words."}, "from": {"name": "A"}}]},
    ).json()
    other = ApiClient.for_new_app(server, "other")
    try:
        conv_id = created["conversationId"]
        for method, path in [
            ("GET", f"/v1/conversations/{conv_id}"),
            ("GET", f"/v1/conversations/{conv_id}/messages"),
            ("GET", f"/v1/conversations/{conv_id}/members"),
            ("DELETE", f"/v1/conversations/{conv_id}"),
            ("GET", f"/v1/job/{created['jobId']}"),
            ("PUT", f"/v1/process/text/{conv_id}"),
        ]:
            body = {"messages": [{"payload": {"content": "x"}}]} if method == "PUT" else None
            r = other.http.request(method, path, json=body)
            assert r.status_code == 404, (method, path, r.text)
        assert other.http.get("/v1/conversations").json()["conversations"] == []
        # The owner still has it, untouched.
        assert client.http.get(f"/v1/conversations/{conv_id}").status_code == 200
    finally:
        other.http.close()


def test_token_expires(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "data", {"CALLSCRIBE_TOKEN_TTL_SECONDS": "2"}) as proc:
        app_id, secret = proc.create_app()
        r = httpx.post(
            f"{proc.base_url}/oauth2/token:generate",
            json={"type": "application", "appId": app_id, "appSecret": secret},
        )
        assert r.json()["expiresIn"] == 2
        token = r.json()["accessToken"]
        assert (
            httpx.get(f"{proc.base_url}/v1/conversations", headers={"x-api-key": token}).status_code
            == 200
        )
        time.sleep(3.1)
        r = httpx.get(f"{proc.base_url}/v1/conversations", headers={"x-api-key": token})
        assert r.status_code == 401
        assert "expired" in r.json()["message"]
        fresh = token_for(proc.base_url, app_id, secret)
        r = httpx.get(
            f"{proc.base_url}/v1/conversations", headers={"Authorization": f"Bearer {fresh}"}
        )
        assert r.status_code == 200
