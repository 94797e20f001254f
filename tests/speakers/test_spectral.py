"""The end-of-call clustering: voices that the online pass merged are told apart again.

Pure tests on vectors whose answers are known, then the separator's second pass over a call of
two alike voices with a stand-in encoder (voice vectors per 20 ms frame), so that what is tested
is the clustering, not the model.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from callscribe.asr.types import Word
from callscribe.speakers.encoder import FRAME_HOP, SAMPLE_RATE, Embedding, VoiceFrames, unit
from callscribe.speakers.separator import SeparationConfig, VoiceSeparator
from callscribe.speakers.spectral import spectral_clusters

DIM = 192


def alike_voices(similarity: float, count: int, seed: int = 0) -> list[Embedding]:
    """``count`` unit voices, every pair ``similarity`` alike (a shared part plus their own)."""
    rng = np.random.default_rng(seed)
    shared = unit(rng.normal(size=DIM).astype(np.float32))
    own = [unit(rng.normal(size=DIM).astype(np.float32)) for _ in range(count)]
    a, b = np.sqrt(similarity), np.sqrt(1 - similarity)
    return [unit((a * shared + b * o).astype(np.float32)) for o in own]


def windows(voice: Embedding, n: int, seed: int, spread: float = 0.35) -> NDArray[np.float32]:
    """``n`` noisy 1.5 s windows of one voice (about 0.95 alike to it)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(n, DIM)).astype(np.float32) * spread / np.sqrt(DIM)
    return np.stack([unit(v) for v in voice[None, :] + noise])


def test_alike_voices_are_told_apart_and_numbered_by_first_appearance() -> None:
    a, b, c = alike_voices(0.75, 3)
    order = [b, a, b, c, a, c, b, a]
    rows = np.concatenate([windows(v, 12, seed=i) for i, v in enumerate(order)])
    labels = spectral_clusters(rows)
    truth = np.repeat([0, 1, 0, 2, 1, 2, 0, 1], 12)
    assert labels.tolist() == truth.tolist()


def test_one_voice_whose_windows_differ_stays_one_speaker() -> None:
    # two "moods" of one voice, 0.9 alike: the eigengap may split them, the merge rejoins them
    loud, soft = alike_voices(0.9, 2, seed=4)
    rows = np.concatenate([windows(loud, 30, seed=1), windows(soft, 30, seed=2)])
    assert set(spectral_clusters(rows).tolist()) == {0}


def test_a_known_count_is_what_comes_out() -> None:
    a, b, c = alike_voices(0.6, 3, seed=7)
    rows = np.concatenate([windows(a, 20, 1), windows(b, 20, 2), windows(c, 20, 3)])
    assert len(set(spectral_clusters(rows, speakers=2).tolist())) == 2
    assert spectral_clusters(rows, speakers=3).tolist() == np.repeat([0, 1, 2], 20).tolist()


def test_few_windows_are_one_speaker_and_the_answer_is_the_same_every_time() -> None:
    a, b = alike_voices(0.5, 2, seed=9)
    assert spectral_clusters(np.zeros((0, DIM), dtype=np.float32)).tolist() == []
    assert spectral_clusters(windows(a, 2, 1)).tolist() == [0, 0]
    rows = np.concatenate([windows(a, 25, 1), windows(b, 25, 2)])
    assert spectral_clusters(rows).tolist() == spectral_clusters(rows).tolist()


class FrameVoices:
    """Stands in for the voice model: a sample's value says whose voice it is, each 20 ms
    frame is that voice's vector with noise, and a stretch's voice is its frames' mean."""

    def __init__(self, voices: list[Embedding], seed: int = 3) -> None:
        self.voices = voices
        self.rng = np.random.default_rng(seed)

    def frames(self, audio: NDArray[np.float32]) -> VoiceFrames:
        hop = int(FRAME_HOP * SAMPLE_RATE)
        count = max(1, len(audio) // hop)
        ids = [round(float(audio[i * hop : (i + 1) * hop].mean())) for i in range(count)]
        noise = self.rng.normal(size=(count, DIM)).astype(np.float32) * 1.2 / np.sqrt(DIM)
        rows = np.stack([self.voices[i] for i in ids]) + noise
        return VoiceFrames(self, rows.T, len(audio) / SAMPLE_RATE)  # type: ignore[arg-type]

    def dense(self, statistics: NDArray[np.float32]) -> NDArray[np.float32]:
        return np.stack([unit(row[:DIM].astype(np.float32)) for row in statistics])


def test_the_second_pass_separates_two_alike_voices_the_online_pass_merged() -> None:
    voices = alike_voices(0.8, 2, seed=11)
    separator = VoiceSeparator(FrameVoices(voices), SeparationConfig.for_channel(False))  # type: ignore[arg-type]
    turns = [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]
    start, truth = 0.0, []
    for number, who in enumerate(turns):
        seconds = 3.0 + (number % 3) * 0.5
        audio = np.full(int(seconds * SAMPLE_RATE), float(who), dtype=np.float32)
        words = [
            Word(f"w{i}", start + i * 0.4, start + i * 0.4 + 0.3, 0.9)
            for i in range(int(seconds / 0.4))
        ]
        online = separator.runs(audio, start, words)
        assert online
        truth.append(who)
        start += seconds + 0.4
    assert len(separator.clusters) == 1  # online, the second voice joined the first
    final = separator.second_pass()
    assert all(len(runs) == 1 for runs in final)
    assert [runs[0].cluster for runs in final] == truth
    assert separator.merged == {0: 0}
