"""Run ``callscribe bridge`` as a separate process and read its JSON event lines."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peers.processes import stop
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
    """Our own simulator, ``callscribe bridge``."""
    port = free_udp_port()
    with _run(
        [sys.executable, "-m", "callscribe", "bridge", "--port", str(port), *args], port
    ) as p:
        yield p


@contextmanager
def pjsua2_bridge(*args: str) -> Iterator[BridgePeer]:
    """The independent PJSIP fake Zoom bridge (``pjsua2_bridge.py``)."""
    port = free_udp_port()
    script = str(Path(__file__).with_name("pjsua2_bridge.py"))
    with _run([sys.executable, script, "--port", str(port), *args], port) as peer:
        yield peer


@contextmanager
def _run(command: list[str], port: int) -> Iterator[BridgePeer]:
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    peer = BridgePeer(port, process)

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("{"):
                peer.events.append(json.loads(line))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        peer.wait_for("ready", 30)
        yield peer
    finally:
        stop(process)
        reader.join(2)
        if process.stdout is not None:
            process.stdout.close()
