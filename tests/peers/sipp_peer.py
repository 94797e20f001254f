"""Run a sipp scenario from ``tests/peers/sipp`` as an independent SIP peer on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCENARIOS = Path(__file__).parent / "sipp"


def free_udp_port() -> int:
    """A UDP port free right now on 127.0.0.1 (even, so port+1 is usually free for RTCP)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        if port % 2 == 0 and port < 65000:
            return port
    raise RuntimeError("no free even UDP port found")


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


def _wait_bound(
    port: int, process: subprocess.Popen[bytes], command: list[str], kind: socket.SocketKind
) -> None:
    """Return once sipp holds its SIP port (a busy machine can take a while to start it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sipp exited at start ({process.returncode}): {' '.join(command)}")
        with socket.socket(socket.AF_INET, kind) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return  # taken: sipp is listening
        time.sleep(0.05)
    raise RuntimeError(f"sipp did not bind 127.0.0.1:{port} within 10 s")


@contextmanager
def sipp(scenario: str, workdir: Path, *args: str, calls: int = 1) -> Iterator[SippPeer]:
    """Start ``sipp -sf scenario`` as a UAS; stop it (SIGTERM, then SIGKILL) on exit."""
    if shutil.which("sipp") is None:
        raise RuntimeError("sipp is not installed: apt-get install -y sip-tester")
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCENARIOS / "speech.ulaw", workdir / "speech.ulaw")
    port, media = free_udp_port(), free_udp_port()
    command = [
        "sipp", "-sf", str(SCENARIOS / scenario), "-i", "127.0.0.1", "-p", str(port),
        "-mp", str(media), "-m", str(calls), "-nostdin", "-trace_logs", "-trace_err", *args,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    tcp = "-t" in args and args[args.index("-t") + 1].startswith("t")
    try:
        _wait_bound(port, process, command, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        yield SippPeer(port, workdir, process)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
