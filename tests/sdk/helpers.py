"""Helpers shared by the SDK tests (fixtures are in ``conftest.py``)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.asr import corpus
from callscribe.audio.files import decode_file
from callscribe.testing.server import ServerProcess


@dataclass(frozen=True)
class App:
    server: ServerProcess
    app_id: str
    app_secret: str

    @property
    def base_url(self) -> str:
        return self.server.base_url


@dataclass(frozen=True)
class Speech:
    """A WAV of real telephone prompts (one speaker), what was said, and its raw PCM."""

    wav: Path
    texts: list[str]
    pcm: bytes
    rate: int


def write_wav(path: Path, pcm: bytes, rate: int) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return path


def make_speech(directory: Path, count: int, rate: int) -> Speech:
    prompts = corpus.subset(count, max_seconds=6.0)
    gap = np.zeros(rate, np.float32)
    audio = np.concatenate([x for p in prompts for x in (decode_file(p.wav, rate=rate), gap)])
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    wav = write_wav(directory / f"speech-{rate}.wav", pcm, rate)
    return Speech(wav, [p.text for p in prompts], pcm, rate)


def wer(texts: list[str], hypothesis: str) -> float:
    return corpus.wer([" ".join(texts)], [hypothesis])


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Bridge:
    """``callscribe bridge`` (the Zoom dial-in simulator) in a subprocess, and what it saw."""

    port: int
    process: subprocess.Popen[str]
    events: list[dict[str, Any]] = field(default_factory=list)

    def uri(self, user: str = "zoom") -> str:
        return f"sip:{user}@127.0.0.1:{self.port}"

    def wait_for(self, name: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in list(self.events):
                if event.get("event") == name:
                    return event
            time.sleep(0.05)
        raise AssertionError(f"the bridge never reported {name!r}; it saw {self.events}")

    def wait_count(self, name: str, count: int, timeout: float) -> None:
        """Wait until ``name`` has been reported ``count`` times (the bridge is shared)."""
        deadline = time.monotonic() + timeout
        while len(self.named(name)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the bridge reported {name!r} fewer than {count} times")
            time.sleep(0.05)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == name]


@contextmanager
def bridge(*args: str) -> Iterator[Bridge]:
    port = free_udp_port()
    command = [sys.executable, "-m", "callscribe", "bridge", "--port", str(port), *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    peer = Bridge(port, process)

    def pump() -> None:
        for line in process.stdout or ():
            if line.startswith("{"):
                peer.events.append(json.loads(line))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        peer.wait_for("ready", 30)
        yield peer
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(2)
        if process.stdout is not None:
            process.stdout.close()
