"""token:generate under guessing and flooding, on a real server: 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from callscribe.testing.server import ServerProcess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "CALLSCRIBE_PRELOAD_MODELS": "false",
        "CALLSCRIBE_LOGIN_FAILURES_PER_MINUTE": "5",
        "CALLSCRIBE_TOKEN_CHECKS_PER_SECOND": "1000",
    }
    with ServerProcess(tmp_path / "data", env) as proc:
        yield proc


def test_guessing_a_secret_is_stopped_and_the_right_one_waits_too(server: ServerProcess) -> None:
    app_id, secret = server.create_app("guarded")
    url = f"{server.base_url}/oauth2/token:generate"

    def attempt(guess: str) -> httpx.Response:
        return httpx.post(url, json={"type": "application", "appId": app_id, "appSecret": guess})

    assert [attempt(f"guess-{n}").status_code for n in range(5)] == [401] * 5
    for guess in ("guess-6", secret):
        r = attempt(guess)
        assert r.status_code == 429, r.text
        assert "too many failed token requests" in r.json()["message"]
        assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_flooding_token_requests_is_bounded(tmp_path: Path) -> None:
    env = {"CALLSCRIBE_PRELOAD_MODELS": "false", "CALLSCRIBE_TOKEN_CHECKS_PER_SECOND": "2"}
    with ServerProcess(tmp_path / "data", env) as server:
        app_id, secret = server.create_app("busy")
        body = {"type": "application", "appId": app_id, "appSecret": secret}
        with httpx.Client(base_url=server.base_url) as http:
            answers = [http.post("/oauth2/token:generate", json=body) for _ in range(12)]
    codes = [r.status_code for r in answers]
    assert codes[:4] == [200] * 4, codes  # a burst of twice the rate
    refused = [r for r in answers if r.status_code == 429]
    assert refused, codes
    assert refused[0].headers["Retry-After"] == "1"
    assert "too many token requests" in refused[0].json()["message"]
