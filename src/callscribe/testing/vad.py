"""A voice-activity stand-in for tests of end-pointing: loud windows are speech.

Real speech needs the Silero model; the segmenter's rules only need probabilities, so tests
feed synthetic audio (noise bursts for speech, zeros for silence) through this instead.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from callscribe.audio.pcm import Samples
from callscribe.audio.vad import WINDOW


class LoudnessVad:
    """Probability 1.0 for a 32 ms window whose RMS reaches ``threshold``, else 0.0."""

    def __init__(self, threshold: float = 0.05) -> None:
        self.threshold = threshold

    def process(self, samples: Samples) -> NDArray[np.float32]:
        windows = samples[: len(samples) // WINDOW * WINDOW].reshape(-1, WINDOW)
        rms = np.sqrt(np.mean(windows.astype(np.float64) ** 2, axis=1))
        probs: NDArray[np.float32] = (rms >= self.threshold).astype(np.float32)
        return probs


__all__ = ["LoudnessVad"]
