"""Bad input gets a clear 4xx JSON message naming the problem; never a 500 or a traceback."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from callscribe.testing.server import ApiClient, ServerProcess

LIMIT = 20_000


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # These servers never analyse anything: no need to load the NLP models in the background.
    env = {"CALLSCRIBE_MAX_BODY_BYTES": str(LIMIT), "CALLSCRIBE_PRELOAD_MODELS": "false"}
    with ServerProcess(tmp_path_factory.mktemp("errors") / "data", env) as proc:
        yield proc


@pytest.fixture(scope="module")
def api(small_server: ServerProcess) -> Iterator[ApiClient]:
    client = ApiClient.for_new_app(small_server)
    yield client
    client.close()


def _message(r: httpx.Response) -> str:
    body = r.json()
    assert set(body) == {"message"}, body
    assert "Traceback" not in body["message"]
    return str(body["message"])


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "messages is required"),
        ({"messages": []}, "messages"),
        ({"messages": [{"payload": {}}]}, "messages[0].payload.content is required"),
        ({"messages": [{"payload": {"content": 42}}]}, "messages[0].payload.content"),
        ({"messages": [{"payload": {"content": ""}}]}, "messages[0].payload.content"),
        ({"messages": "hello"}, "messages"),
        ([1, 2], "JSON object"),
        (
            {"messages": [{"payload": {"content": "hi", "contentType": "audio/wav"}}]},
            "messages[0].payload.contentType",
        ),
        (
            {
                "messages": [
                    {
                        "payload": {"content": "hi"},
                        "duration": {
                            "startTime": "2026-01-01T10:00:05Z",
                            "endTime": "2026-01-01T10:00:00Z",
                        },
                    }
                ]
            },
            "endTime is before startTime",
        ),
        (
            {
                "messages": [
                    {
                        "payload": {"content": "hi"},
                        "duration": {"startTime": "yesterday", "endTime": "today"},
                    }
                ]
            },
            "messages[0].duration.startTime",
        ),
        (
            {"messages": [{"payload": {"content": "hi"}}], "confidenceThreshold": 7},
            "confidenceThreshold",
        ),
        (
            {"messages": [{"payload": {"content": "hi"}}], "webhookUrl": "not a url"},
            "webhookUrl",
        ),
        (
            {"messages": [{"payload": {"content": "hi"}}], "webhookUrl": "http://127.0.0.1:9/x"},
            "webhookUrl: url host 127.0.0.1 is a loopback or private address",
        ),
        (
            {"messages": [{"payload": {"content": "hi"}}], "webhookUrl": "http://localhost./x"},
            "webhookUrl: url host 'localhost.' is a loopback name",
        ),
    ],
)
def test_invalid_text_bodies_name_the_field(api: ApiClient, body: object, needle: str) -> None:
    r = api.http.post("/v1/process/text", json=body)
    assert r.status_code == 400, r.text
    assert needle in _message(r)


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        ("/v1/process/audio/url", {"url": "http://10.1.2.3/a.wav"}, "10.1.2.3 is a loopback"),
        ("/v1/process/audio/url", {"url": "http://localhost./a.wav"}, "loopback name"),
        (
            "/v1/process/audio/url",
            {"url": "https://example.com/a.wav", "webhookUrl": "http://192.168.1.5/hook"},
            "webhookUrl",
        ),
        ("/v1/webhooks", {"url": "http://localhost./h", "events": ["insight.created"]}, "loopback"),
    ],
)
def test_private_targets_are_refused_when_asked_not_later(
    api: ApiClient, path: str, body: dict[str, str], needle: str
) -> None:
    before = api.http.get("/v1/conversations").json()["conversations"]
    r = api.http.post(path, json=body)
    assert r.status_code == 400, r.text
    assert needle in _message(r)
    assert api.http.get("/v1/conversations").json()["conversations"] == before


def test_malformed_json(api: ApiClient) -> None:
    r = api.http.post(
        "/v1/process/text", content=b'{"messages": [', headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert "not valid JSON" in _message(r)


def test_bodies_over_the_limit_get_413(api: ApiClient) -> None:
    big = {"messages": [{"payload": {"content": "word " * 3000}} for _ in range(3)]}
    r = api.http.post("/v1/process/text", json=big)
    assert r.status_code == 413
    assert str(LIMIT) in _message(r)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count as it reads
        yield b'{"messages": [{"payload": {"content": "'
        for _ in range(50):
            yield b"x" * 1000
        yield b'"}}]}'

    r = api.http.post(
        "/v1/process/text", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert str(LIMIT) in _message(r)
    # Nothing half-received was stored.
    assert api.http.get("/v1/conversations").json()["conversations"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/conversations/1234567890123456"),
        ("GET", "/v1/conversations/1234567890123456/messages"),
        ("GET", "/v1/conversations/1234567890123456/members"),
        ("DELETE", "/v1/conversations/1234567890123456"),
        ("GET", "/v1/job/00000000-0000-0000-0000-000000000000"),
    ],
)
def test_unknown_ids_are_404(api: ApiClient, method: str, path: str) -> None:
    r = api.http.request(method, path)
    assert r.status_code == 404
    assert path.rsplit("/", 2)[1] in _message(r) or path.rsplit("/", 1)[1] in _message(r)


def test_unknown_member_and_routes(api: ApiClient) -> None:
    conv = api.http.post(
        "/v1/process/text",
        json={"messages": [{"payload": {"content": "hi"}, "from": {"name": "A"}}]},
    ).json()["conversationId"]
    r = api.http.put(f"/v1/conversations/{conv}/members/nope", json={"name": "B"})
    assert r.status_code == 404
    assert "nope" in _message(r)
    r = api.http.get(f"/v1/conversations/{conv}/no-such-thing")
    assert r.status_code == 404
    assert "no such route" in _message(r)
    r = api.http.patch(f"/v1/conversations/{conv}")
    assert r.status_code == 405
    assert "PATCH" in _message(r)
    r = api.http.get("/v1/conversations", params={"limit": "lots"})
    assert r.status_code == 400
    assert "limit" in _message(r)


@pytest.mark.parametrize("offset", ["9223372036854775808", "99999999999999999999999", "-1"])
def test_numbers_past_what_the_database_holds_are_400_at_once(
    api: ApiClient, small_server: ServerProcess, offset: str
) -> None:
    r = api.http.get("/v1/conversations", params={"offset": offset}, timeout=5.0)
    assert r.status_code == 400
    assert "offset" in _message(r)
    assert httpx.get(f"{small_server.base_url}/health", timeout=5.0).status_code == 200
    r = api.http.post(
        "/v1/endpoint:connect",
        json={
            "operation": "start",
            "endpoint": {
                "type": "sip",
                "uri": "sip:meeting@127.0.0.1:5999",
                "audioConfig": {"sampleRate": 9223372036854775808},
            },
        },
    )
    assert r.status_code == 400
    assert "endpoint.audioConfig.sampleRate" in _message(r), _message(r)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-api-key": "garbage"},
        {"Authorization": "Bearer garbage"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {
            "x-api-key": jwt.encode(
                {"sub": "x", "exp": 9999999999},
                "a-wrong-signing-key-of-enough-bytes!",
                algorithm="HS256",
            )
        },
    ],
)
def test_bad_tokens_are_401(small_server: ServerProcess, headers: dict[str, str]) -> None:
    r = httpx.get(f"{small_server.base_url}/v1/conversations", headers=headers)
    assert r.status_code == 401
    assert "token" in _message(r)


def test_bad_credentials(small_server: ServerProcess, api: ApiClient) -> None:
    url = f"{small_server.base_url}/oauth2/token:generate"
    r = httpx.post(url, json={"type": "application", "appId": api.app_id, "appSecret": "nope"})
    assert r.status_code == 401
    assert "appSecret" in _message(r)
    r = httpx.post(url, json={"type": "application", "appId": "unknown", "appSecret": "x"})
    assert r.status_code == 401
    r = httpx.post(url, json={"type": "user", "appId": api.app_id, "appSecret": api.app_secret})
    assert r.status_code == 400
    assert "type" in _message(r)


def test_deleted_app_tokens_stop_working(small_server: ServerProcess, tmp_path: Path) -> None:
    doomed = ApiClient.for_new_app(small_server, "doomed")
    try:
        assert doomed.http.get("/v1/conversations").status_code == 200
        small_server.cli("apps", "delete", doomed.app_id)
        r = doomed.http.get("/v1/conversations")
        assert r.status_code == 401
    finally:
        doomed.close()
    assert small_server.cli("apps", "delete", "no-such-app", check=False).returncode == 2


def test_an_idle_connection_outlives_the_clients_keep_alive(small_server: ServerProcess) -> None:
    """httpx (and the SDK) keep an idle connection 5 s; a server that also closes after 5 s
    races the client's next request on it into "connection reset by peer". The server must
    hold it longer, so the client is always the one that closes."""
    host, port = small_server.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/health/live")
        first = conn.getresponse()
        assert first.status == 200
        first.read()  # the whole response: the connection is idle from here
        sock = conn.sock
        time.sleep(6.5)  # past httpx's (and uvicorn's default) 5 s keep-alive
        conn.request("GET", "/health/live")  # a closed socket fails here or below
        second = conn.getresponse()
        assert second.status == 200
        assert conn.sock is sock  # the same connection, not a new one
    finally:
        conn.close()
