"""Helpers shared by the SDK tests (fixtures are in ``conftest.py``)."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.asr import corpus
from callscribe.audio.files import decode_file
from callscribe.testing.server import ServerProcess
from peers.bridge_peer import BridgePeer as Bridge
from peers.bridge_peer import bridge
from peers.sipp_peer import free_udp_port

__all__ = ["App", "Bridge", "Speech", "bridge", "free_udp_port", "make_speech", "wer", "write_wav"]


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
