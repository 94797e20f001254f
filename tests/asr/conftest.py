"""Real engines and real speech for the recogniser tests (models load once per session)."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.asr import corpus  # noqa: E402
from callscribe.asr import Recognizer, Transcript, create_recognizer  # noqa: E402
from callscribe.audio.files import decode_file  # noqa: E402
from callscribe.audio.pcm import resample  # noqa: E402

requires_corpus = pytest.mark.skipif(
    not corpus.available(), reason="needs Debian asterisk-core-sounds-en, -en-wav, -en-g722"
)


def wav_8k_as_16k(prompt: corpus.Prompt) -> NDArray[np.float32]:
    """The telephone-band recording, upsampled as the live path does."""
    return resample(decode_file(prompt.wav, rate=8000), 8000, 16000)


@pytest.fixture(scope="session")
def tiny() -> Recognizer:
    recognizer = create_recognizer("whisper-tiny.en", cpu_threads=2)
    recognizer.warm_up()
    return recognizer


@pytest.fixture(scope="session")
def subset20() -> list[corpus.Prompt]:
    if not corpus.available():
        pytest.skip("needs the Asterisk prompt packages")
    return corpus.subset(20)


class SlowInterims:
    """A stand-in engine: interims take ``interim_s`` seconds, finals are instant."""

    name, sample_rate = "slow-interims", 16000

    def __init__(self, interim_s: float) -> None:
        self.interim_s = interim_s

    def transcribe(self, audio: np.ndarray) -> Transcript:
        return Transcript("final", (), 1.0, 0.0, len(audio) / 16000)

    def transcribe_interim(self, audio: np.ndarray) -> Transcript:
        time.sleep(self.interim_s)
        return Transcript("interim", (), 0.0, 0.0, len(audio) / 16000)

    def transcribe_batch(
        self, audios: Sequence[np.ndarray], *, interim: bool = False
    ) -> list[Transcript]:
        one = self.transcribe_interim if interim else self.transcribe
        return [one(a) for a in audios]

    def warm_up(self) -> None:
        pass
