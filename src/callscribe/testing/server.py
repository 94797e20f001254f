"""A real ``callscribe serve`` in a subprocess on a free loopback port, for end-to-end tests.

It is the same process a user starts, so tests exercise start-up, migrations, uvicorn and
shutdown, not an in-memory stand-in. Apps are created with the real CLI.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from callscribe.ports import free_port


class ServerProcess:
    """Start, stop and restart a server on ``data_dir`` with extra ``CALLSCRIBE_*`` settings."""

    def __init__(
        self,
        data_dir: Path,
        env: dict[str, str] | None = None,
        *,
        port: int | None = None,
        args: tuple[str, ...] = (),
        scheme: str = "http",
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.scheme = scheme
        self._args = args
        self._env = {**os.environ, **(env or {}), "CALLSCRIBE_DATA_DIR": str(data_dir)}
        self._env.setdefault("CALLSCRIBE_LOG_FORMAT", "json")
        self._proc: subprocess.Popen[bytes] | None = None
        self._clients: list[httpx.Client] = []
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``callscribe ARGS`` with this server's settings."""
        return subprocess.run(
            [sys.executable, "-m", "callscribe", *args],
            env=self._env,
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def client(self, token: str) -> httpx.Client:
        """An HTTP client authenticated with ``token``, closed when this server's ``with``
        block ends even if the test failed before closing it (an unclosed socket would
        otherwise be reported by a later, unrelated test when it is garbage-collected)."""
        http = httpx.Client(
            base_url=self.base_url, headers={"x-api-key": token}, timeout=30, verify=False
        )
        self._clients.append(http)
        return http

    def create_app(self, name: str = "test") -> tuple[str, str]:
        out = self.cli("apps", "create", "--name", name, "--json")
        data = json.loads(out.stdout)
        return data["appId"], data["appSecret"]

    def start(self, timeout: float = 60.0) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "callscribe", "serve", "--port", str(self.port), *self._args],
            env=self._env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_text()}")
            try:
                r = httpx.get(f"{self.base_url}/health", timeout=1.0, verify=False)
                if r.status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not become healthy:\n{self.log_text()}")

    def stop(self, timeout: float = 20.0) -> int | None:
        """Stop gracefully (SIGINT, as Ctrl-C would); returns the exit code."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else None
        proc.send_signal(signal.SIGINT)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def kill(self) -> None:
        """Stop abruptly (SIGKILL), as a crash would."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def restart(self) -> ServerProcess:
        self.stop()
        return self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        clients, self._clients = self._clients, []
        for http in clients:
            http.close()
        self.stop()


def token_for(base_url: str, app_id: str, app_secret: str) -> str:
    r = httpx.post(
        f"{base_url}/oauth2/token:generate",
        json={"type": "application", "appId": app_id, "appSecret": app_secret},
        verify=False,
    )
    r.raise_for_status()
    token: str = r.json()["accessToken"]
    return token


@dataclass
class ApiClient:
    """One app's view of a running server: its credentials and an authenticated httpx client."""

    server: ServerProcess
    app_id: str
    app_secret: str
    http: httpx.Client

    @classmethod
    def for_new_app(cls, server: ServerProcess, name: str = "test") -> ApiClient:
        app_id, secret = server.create_app(name)
        token = token_for(server.base_url, app_id, secret)
        return cls(server, app_id, secret, server.client(token))

    @classmethod
    def for_app(cls, server: ServerProcess, app_id: str, secret: str) -> ApiClient:
        """An existing app's client on ``server`` (another node of the same database)."""
        token = token_for(server.base_url, app_id, secret)
        return cls(server, app_id, secret, server.client(token))

    def wait_for_job(self, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Poll ``GET /v1/job/{id}`` until the job completes or fails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body: dict[str, Any] = self.http.get(f"/v1/job/{job_id}").json()
            if body["status"] in ("completed", "failed"):
                return body
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s")

    def close(self) -> None:
        self.http.close()
