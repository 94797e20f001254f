"""A benchmark's server: a real ``callscribe serve`` with default settings, an app and a token,
warmed up by streaming one utterance so model loading is not counted."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import machine
from bench.latency import client, script
from callscribe.testing.server import ServerProcess, token_for


@dataclass(frozen=True, slots=True)
class Target:
    """Where to stream: ``ws://.../v1/streaming`` base, a token, and the server process."""

    ws_base: str
    token: str
    server: ServerProcess

    def url(self, connection_id: str) -> str:
        return f"{self.ws_base}/v1/streaming/{connection_id}"

    def cpu_seconds(self) -> float:
        """User+system CPU the server process has used so far (Linux ``/proc``)."""
        proc = self.server._proc
        return float("nan") if proc is None else machine.process_cpu_seconds(proc.pid)


@contextmanager
def running() -> Iterator[Target]:
    with (
        tempfile.TemporaryDirectory(prefix="callscribe-bench-") as tmp,
        ServerProcess(Path(tmp) / "data") as server,
    ):
        app_id, secret = server.create_app("bench")
        token = token_for(server.base_url, app_id, secret)
        yield Target(server.base_url.replace("http", "ws", 1), token, server)


async def warm_up(target: Target, rate: int) -> None:
    """Stream one prompt end to end: loads the recogniser, VAD and NLP models."""
    warm = script.build(script.pool()[:1], rate, gap=1.0)
    await client.stream(target.url("bench-warm-up"), target.token, warm, title="warm-up")
