"""The meeting-bridge simulator as a separate process, as a real bridge is another machine.

Used by ``callscribe demo`` and the benchmarks: start ``callscribe bridge`` on a free loopback
port, wait until it is ready for calls, read when it starts playing the meeting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from callscribe.errors import ServiceError
from callscribe.subprocesses import stop

MEETING_ID, PASSCODE = "85012345678", "123456"


def free_udp_port() -> int:
    """An even free UDP port on 127.0.0.1 (SIP peers keep the next one for RTP)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port % 2 == 0:
            return port
    raise ServiceError("no free UDP port on 127.0.0.1", retryable=True)


@dataclass(frozen=True)
class RunningBridge:
    """A started ``callscribe bridge``: its process and the SIP port it took."""

    process: subprocess.Popen[str]
    port: int

    @property
    def uri(self) -> str:
        """What to dial: any user at the bridge's address (it answers every number)."""
        return f"sip:zoom@127.0.0.1:{self.port}"


@contextlib.contextmanager
def bridge_process(
    recording: Path | None = None,
    script: Path | None = None,
    codecs: Sequence[str] = (),
) -> Iterator[RunningBridge]:
    """``callscribe bridge`` on a free port of 127.0.0.1, ready for calls, playing the meeting
    (the bundled one, or ``recording`` with its ``script``), accepting only ``codecs`` when
    given (``pcmu``: an 8 kHz phone line, as a PSTN dial-in hears the meeting). The bridge
    picks the port itself (``--port 0``), so no other process can take it in between."""
    played = [] if recording is None else ["--meeting", str(recording)]
    played += [] if script is None else ["--script", str(script)]
    played += ["--codecs", ",".join(codecs)] if codecs else []
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "callscribe", "bridge", "--host", "127.0.0.1",
                "--port", "0", "--meeting-id", MEETING_ID, "--passcode", PASSCODE,
                *played,
            ],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )  # fmt: skip
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            ready = json.loads(line) if line.startswith("{") else {}
            if ready.get("event") != "ready":
                proc.kill()
                proc.wait()
                errors.seek(0)
                why = errors.read().strip().splitlines()[-1:] or ["no reason given"]
                raise ServiceError(
                    f"the meeting-bridge simulator did not start: {why[0]}", retryable=False
                )
            yield RunningBridge(proc, int(ready["port"]))
        finally:
            stop(proc)
            if proc.stdout is not None:
                proc.stdout.close()


async def meeting_started(bridge: RunningBridge) -> float | None:
    """The wall-clock time (epoch seconds) the bridge began playing the meeting's first
    sample; None when it ended without playing it."""
    assert bridge.process.stdout is not None
    stdout = bridge.process.stdout
    while True:
        line = await asyncio.to_thread(stdout.readline)
        if not line:
            return None
        event = json.loads(line)
        if event.get("event") == "meeting_started":
            return float(event["at"])


__all__ = [
    "MEETING_ID",
    "PASSCODE",
    "RunningBridge",
    "bridge_process",
    "free_udp_port",
    "meeting_started",
]
