"""Retries and token refresh against a scripted HTTP peer on 127.0.0.1 (the real server does
not fail on demand): which statuses are retried, how long the SDK waits, and that a 401 is
answered by exactly one token refresh."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import callscribe_sdk as cs
import pytest

from callscribe.ports import free_port

Reply = tuple[int, dict[str, str], dict[str, object]]
OK: Reply = (200, {}, {"conversations": []})


@dataclass
class Peer:
    url: str
    script: list[Reply] = field(default_factory=list)
    tokens_issued: int = 0
    seen_tokens: list[str] = field(default_factory=list)

    def play(self, *replies: Reply) -> None:
        self.script = list(replies)
        self.seen_tokens = []
        self.tokens_issued = 0


@pytest.fixture
def peer() -> Iterator[Peer]:
    state = Peer("")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, headers: dict[str, str], body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            with lock:
                state.tokens_issued += 1
                token = f"token-{state.tokens_issued}"
            self._reply(200, {}, {"accessToken": token, "expiresIn": 3600})

        def do_GET(self) -> None:
            with lock:
                state.seen_tokens.append(self.headers.get("x-api-key", ""))
                reply = state.script.pop(0) if state.script else OK
            self._reply(*reply)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def client(peer: Peer, **kwargs: object) -> cs.Client:
    return cs.Client(peer.url, "app", "secret", **kwargs)  # type: ignore[arg-type]


def busy(status: int, **headers: str) -> Reply:
    return (status, headers, {"message": f"busy ({status})"})


def test_transient_statuses_are_retried(peer: Peer) -> None:
    peer.play(busy(503), busy(502))
    with client(peer) as c:
        assert c.conversations() == []
    assert len(peer.seen_tokens) == 3

    peer.play(busy(504), busy(503), busy(503))
    with client(peer, max_retries=2) as c, pytest.raises(cs.ServerError, match="busy") as err:
        c.conversations()
    assert err.value.status_code == 503
    assert len(peer.seen_tokens) == 3  # one try and two retries


def test_rate_limit_waits_for_retry_after(peer: Peer) -> None:
    peer.play(busy(429, **{"Retry-After": "1"}))
    began = time.monotonic()
    with client(peer) as c:
        assert c.conversations() == []
    assert time.monotonic() - began >= 1.0
    assert len(peer.seen_tokens) == 2

    peer.play(busy(429))  # no hint: the caller decides
    with client(peer) as c, pytest.raises(cs.RateLimited) as err:
        c.conversations()
    assert err.value.retry_after is None
    assert len(peer.seen_tokens) == 1


def test_errors_that_are_not_retried(peer: Peer) -> None:
    for status, cls in [(500, cs.ServerError), (400, cs.BadRequest), (409, cs.Conflict)]:
        peer.play(busy(status))
        with client(peer) as c, pytest.raises(cls, match=rf"busy \({status}\)"):
            c.conversations()
        assert len(peer.seen_tokens) == 1


def test_one_token_refresh_on_401(peer: Peer) -> None:
    peer.play(busy(401))
    with client(peer) as c:
        assert c.conversations() == []
    assert peer.tokens_issued == 2
    assert peer.seen_tokens == ["token-1", "token-2"]

    peer.play(busy(401), busy(401), busy(401))
    with client(peer) as c, pytest.raises(cs.AuthenticationError, match="busy"):
        c.conversations()
    assert peer.tokens_issued == 2  # refreshed once, not in a loop
    assert len(peer.seen_tokens) == 2


def test_a_given_access_token_is_not_refreshed(peer: Peer) -> None:
    peer.play(busy(401))
    with (
        cs.Client(peer.url, access_token="mine") as c,
        pytest.raises(cs.AuthenticationError),
    ):
        c.conversations()
    assert peer.seen_tokens == ["mine"]
    assert peer.tokens_issued == 0


def test_connection_failures_are_retried_with_backoff() -> None:
    port = free_port()  # nothing listens there
    began = time.monotonic()
    with (
        cs.Client(f"http://127.0.0.1:{port}", access_token="t", max_retries=2) as c,
        pytest.raises(cs.ConnectError, match=f"127.0.0.1:{port}"),
    ):
        c.conversations()
    assert time.monotonic() - began >= 0.375 + 0.75  # two backoffs before giving up


async def test_async_client_retries_and_refreshes(peer: Peer) -> None:
    peer.play(busy(503), busy(401))
    async with cs.AsyncClient(peer.url, "app", "secret") as c:
        assert await c.conversations() == []
    assert peer.seen_tokens == ["token-1", "token-1", "token-2"]
