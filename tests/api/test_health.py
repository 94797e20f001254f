"""Liveness and readiness of a real server on the local PostgreSQL and Redis: readiness goes
503, naming the database, while the database refuses connections, and back to 200 after."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from callscribe.ports import free_port
from callscribe.testing.server import ServerProcess
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.postgres


def ready(server: ServerProcess) -> httpx.Response:
    return httpx.get(f"{server.base_url}/health/ready", timeout=10)


def until(server: ServerProcess, status: int, within: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + within
    answer = ready(server)
    while answer.status_code != status and time.monotonic() < deadline:
        time.sleep(0.3)
        answer = ready(server)
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


def admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


@pytest.fixture
def server(tmp_path: Path, pg_url: str) -> Iterator[ServerProcess]:
    env = {"CALLSCRIBE_DATABASE_URL": pg_url, "CALLSCRIBE_REDIS_URL": "redis://127.0.0.1:6379/0"}
    with ServerProcess(tmp_path / "data", env) as running:
        yield running


def test_readiness_follows_the_database(server: ServerProcess, pg_url: str) -> None:
    body = until(server, 200)  # once the models are loaded
    assert body["status"] == "ready"
    assert {k: v["ok"] for k, v in body["checks"].items()} == {
        "database": True,
        "speech": True,
        "sip": True,
        "redis": True,
    }
    name = pg_url.rsplit("/", 1)[1]
    admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        down = until(server, 503, within=15)
        assert down["status"] == "unavailable"
        assert down["message"].startswith("database: ")
        assert not down["checks"]["database"]["ok"]
        assert down["checks"]["speech"]["ok"]
        live = httpx.get(f"{server.base_url}/health/live", timeout=10)
        assert live.status_code == 200  # alive, just not ready
    finally:
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert until(server, 200, within=15)["checks"]["database"]["ok"]


def test_an_unreachable_redis_is_named(tmp_path: Path) -> None:
    env = {"CALLSCRIBE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    with ServerProcess(tmp_path / "data", env) as server:
        body = until(server, 503)
        assert not body["checks"]["redis"]["ok"]
        assert "redis: " in body["message"]
        assert body["checks"]["database"]["ok"]
