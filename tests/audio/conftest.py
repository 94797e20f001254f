"""Real speech for the audio tests: Asterisk prompts (Debian asterisk-core-sounds-en-wav)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.asr import corpus  # noqa: E402
from callscribe.audio.files import decode_file  # noqa: E402

requires_corpus = pytest.mark.skipif(
    not corpus.available(), reason="needs Debian asterisk-core-sounds-en-wav and -en"
)


def speech(name: str, rate: int = 16000) -> NDArray[np.float32]:
    """One prompt as float32 mono at ``rate``."""
    return decode_file(corpus.SOUNDS / f"{name}.wav", rate=rate)


def silence(seconds: float, rate: int = 16000) -> NDArray[np.float32]:
    return np.zeros(int(seconds * rate), dtype=np.float32)


@pytest.fixture(scope="session")
def prompt_audio() -> NDArray[np.float32]:
    """'Please enter your password followed by the pound key.' at 16 kHz (~3.3 s)."""
    if not corpus.available():
        pytest.skip("needs Debian asterisk-core-sounds-en-wav")
    return speech("agent-pass")
