"""Silero VAD on speech, silence, noise and music (hold music must not count as speech)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from callscribe.audio.files import decode_file
from callscribe.audio.vad import WINDOW, VoiceActivity

from .conftest import requires_corpus, speech


def _speech_fraction(audio: np.ndarray) -> float:
    vad = VoiceActivity()
    probs = np.concatenate([vad.process(audio[i : i + 1000]) for i in range(0, len(audio), 1000)])
    assert len(probs) == len(audio) // WINDOW
    return float(np.mean(probs >= 0.5))


@requires_corpus
def test_speech_is_detected() -> None:
    assert _speech_fraction(speech("conf-getpin")) > 0.5


def test_silence_and_noise_are_not_speech() -> None:
    assert _speech_fraction(np.zeros(16000 * 3, dtype=np.float32)) == 0.0
    noise = np.random.default_rng(3).normal(0, 0.05, 16000 * 3).astype(np.float32)
    assert _speech_fraction(noise) < 0.05


@pytest.mark.skipif(shutil.which("sox") is None, reason="needs sox")
@pytest.mark.parametrize(
    "synth",
    [
        # a plucked melody, a tremolo chord, and a swept sawtooth: typical hold-music textures
        "synth 0.3 pluck C4 : synth 0.3 pluck E4 : synth 0.3 pluck G4 : synth 0.3 pluck C5 "
        ": synth 0.3 pluck A4 : synth 0.3 pluck F4 repeat 4",
        "synth 6 sine 261.6 sine 329.6 sine 392 tremolo 3 40",
        "synth 6 sawtooth 220-440",
    ],
)
def test_music_is_not_speech(tmp_path: Path, synth: str) -> None:
    out = tmp_path / "music.wav"
    subprocess.run(
        ["sox", "-n", "-r", "16000", "-b", "16", "-c", "1", str(out), *synth.split()],
        check=True,
        capture_output=True,
    )
    assert _speech_fraction(decode_file(out)) < 0.05


def test_reset_forgets_partial_window() -> None:
    vad = VoiceActivity()
    assert len(vad.process(np.zeros(700, dtype=np.float32))) == 1
    vad.reset()
    assert len(vad.process(np.zeros(400, dtype=np.float32))) == 0
