"""Run ``callscribe bridge`` as a separate process and read its JSON event lines."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from callscribe.subprocesses import stop
from peers.sipp_peer import free_udp_port


@dataclass
class BridgePeer:
    port: int
    process: subprocess.Popen[str]
    events: list[dict[str, Any]] = field(default_factory=list)

    def uri(self, user: str = "zoom") -> str:
        return f"sip:{user}@127.0.0.1:{self.port}"

    def wait_for(self, name: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in list(self.events):
                if event.get("event") == name:
                    return event
            time.sleep(0.05)
        raise TimeoutError(f"bridge never reported {name!r}; saw {self.events}")

    def wait_count(self, name: str, count: int, timeout: float) -> None:
        """Wait until ``name`` has been reported ``count`` times (a bridge shared by tests)."""
        deadline = time.monotonic() + timeout
        while len(self.named(name)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"bridge reported {name!r} fewer than {count} times")
            time.sleep(0.05)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == name]


@contextmanager
def bridge(*args: str) -> Iterator[BridgePeer]:
    """Our own simulator, ``callscribe bridge``, on a port it picks itself (``--port 0``): none
    picked here could be taken by another process before the bridge binds it."""
    command = [sys.executable, "-m", "callscribe", "bridge", "--port", "0", *args]
    with _run(lambda: command) as peer:
        yield peer


@contextmanager
def pjsua2_bridge(*args: str) -> Iterator[BridgePeer]:
    """The independent PJSIP fake Zoom bridge (``pjsua2_bridge.py``), on a port picked here:
    picked again when it was taken by the time the bridge bound it."""
    script = str(Path(__file__).with_name("pjsua2_bridge.py"))
    with _run(lambda: [sys.executable, script, "--port", str(free_udp_port()), *args]) as peer:
        yield peer


class _Exited(RuntimeError):
    """The bridge ended before it was ready; ``taken`` when its port was in use."""

    def __init__(self, message: str, taken: bool) -> None:
        super().__init__(message)
        self.taken = taken


@contextmanager
def _run(command: Callable[[], list[str]]) -> Iterator[BridgePeer]:
    """The bridge running and ready for calls; its port is the one its ready event names."""
    for attempt in range(3):
        try:
            with _started(command()) as peer:
                yield peer
                return
        except _Exited as exc:
            if not exc.taken or attempt == 2:
                raise
    raise AssertionError("unreachable")


@contextmanager
def _started(command: list[str]) -> Iterator[BridgePeer]:
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        peer = BridgePeer(0, process)

        def pump() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("{"):
                    peer.events.append(json.loads(line))

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            peer.port = int(_ready(peer, errors)["port"])
            yield peer
        finally:
            stop(process)
            reader.join(2)
            if process.stdout is not None:
                process.stdout.close()


def _ready(peer: BridgePeer, errors: IO[str]) -> dict[str, Any]:
    """The ready event, or ``_Exited`` with the bridge's last words when it ended first."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for event in list(peer.events):
            if event.get("event") == "ready":
                return event
        if peer.process.poll() is not None:
            errors.seek(0)
            said = errors.read().strip()
            raise _Exited(
                f"bridge exited ({peer.process.returncode}) before it was ready: {said[-2000:]}",
                taken="already in use" in said.lower(),
            )
        time.sleep(0.05)
    raise TimeoutError(f"bridge not ready within 30 s; saw {peer.events}")
