"""Run a sipp scenario from ``tests/peers/sipp`` as an independent SIP peer on 127.0.0.1."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from callscribe.subprocesses import stop

SCENARIOS = Path(__file__).parent / "sipp"


_SIP_PORTS = range(20004, 32000, 4)
"""Below Linux's ephemeral range (32768+) and above the RTP ports of the baresip stacks under
test (10000-20000: callscribe's default, the bridge's, the Debian peer's): a port picked here
is not taken later by the client side of some TCP connection, an OS-chosen UDP socket or a
call's media before the peer binds it (the server's SIP agent binds its port only at its
first call, minutes later in a session)."""

_given: set[int] = set()
"""Ports handed out in this process: a server's SIP port is not bound until its first call,
so "free right now" alone could hand it again to the sipp peer dialled in that call."""


def _free(port: int, kind: socket.SocketKind) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_udp_port() -> int:
    """An even port free right now on 127.0.0.1 for UDP and TCP (SIP listens on both), with
    the three above it free for RTCP and a second media stream, outside the ephemeral range
    and never handed out before in this process."""
    rng = random.Random()
    for _ in range(500):
        port = rng.choice(_SIP_PORTS)
        if port in _given:
            continue
        block = range(port, port + 4)
        if all(_free(p, k) for p in block for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM)):
            _given.add(port)
            return port
    raise RuntimeError("no free port block found for SIP")


@dataclass
class SippPeer:
    port: int
    workdir: Path
    process: subprocess.Popen[bytes]

    @property
    def uri(self) -> str:
        return f"sip:peer@127.0.0.1:{self.port}"

    def log_text(self) -> str:
        """What the scenario's ``<log>`` actions wrote (digits received, numbers dialled)."""
        return "".join(p.read_text(errors="replace") for p in self.workdir.glob("*_logs.log"))


_SETTLE = 0.3
"""Seconds sipp must stay up once its port is taken (a failed bind ends it within this)."""


class _PortTaken(RuntimeError):
    """sipp could not bind a port that was free a moment before it started."""


def _wait_bound(
    port: int,
    process: subprocess.Popen[bytes],
    command: list[str],
    kind: socket.SocketKind,
    workdir: Path,
) -> None:
    """Return once sipp holds its SIP port (a busy machine can take a while to start it).
    The port being taken is not proof: someone else may hold it, and then sipp exits at once
    ("Unable to bind main socket"); so sipp must still be running a moment later."""
    deadline = time.monotonic() + 10
    bound_at: float | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = "".join(p.read_text(errors="replace") for p in workdir.glob("*_errors.log"))
            message = f"sipp exited at start ({process.returncode}): {' '.join(command)}\n{errors}"
            if "Address already in use" in errors:
                raise _PortTaken(message)
            raise RuntimeError(message)
        if bound_at is None:
            with socket.socket(socket.AF_INET, kind) as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    bound_at = time.monotonic()  # taken: sipp listens, or someone else does
        elif time.monotonic() - bound_at >= _SETTLE:
            return
        time.sleep(0.05)
    raise RuntimeError(f"sipp did not bind 127.0.0.1:{port} within 10 s")


def _start(
    scenario: str, workdir: Path, args: tuple[str, ...], calls: int
) -> tuple[int, subprocess.Popen[bytes]]:
    """sipp listening on fresh ports: tried again on others (up to three times) when a port
    free a moment before was taken by the time sipp bound it (by another process's socket)."""
    tcp = "-t" in args and args[args.index("-t") + 1].startswith("t")
    for attempt in range(3):
        for old in workdir.glob("*_errors.log"):
            old.unlink()
        port, media = free_udp_port(), free_udp_port()
        command = [
            "sipp", "-sf", str(SCENARIOS / scenario), "-i", "127.0.0.1", "-p", str(port),
            "-mp", str(media), "-m", str(calls), "-nostdin", "-trace_logs", "-trace_err", *args,
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _wait_bound(
                port, process, command, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM, workdir
            )
        except _PortTaken:
            if attempt == 2:
                raise
            continue
        except BaseException:
            stop(process)
            raise
        return port, process
    raise AssertionError("unreachable")


@contextmanager
def sipp(scenario: str, workdir: Path, *args: str, calls: int = 1) -> Iterator[SippPeer]:
    """Start ``sipp -sf scenario`` as a UAS; stop it (SIGTERM, then SIGKILL) on exit."""
    if shutil.which("sipp") is None:
        raise RuntimeError("sipp is not installed: apt-get install -y sip-tester")
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCENARIOS / "speech.ulaw", workdir / "speech.ulaw")
    port, process = _start(scenario, workdir, args, calls)
    try:
        yield SippPeer(port, workdir, process)
    finally:
        stop(process)
