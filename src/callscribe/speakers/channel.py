"""Is this audio a phone line? Thresholds depend on it (G.711 at 8 kHz makes voices alike)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from callscribe.speakers.encoder import SAMPLE_RATE

CUTOFF_HZ = 3900.0
NARROW_SHARE = 0.002
"""Below this share of its energy above ``CUTOFF_HZ``, audio came through a narrowband line."""


def is_narrowband(audio: NDArray[np.float32], seconds: float = 30.0) -> bool:
    """True when (the first ``seconds`` of) 16 kHz ``audio`` has next to nothing above 3.9 kHz:
    it was sampled at 8 kHz somewhere on its way (a phone line, a telephony bridge)."""
    piece = audio[: int(seconds * SAMPLE_RATE)].astype(np.float64)
    if len(piece) < 512:
        return False
    frames = piece[: len(piece) // 512 * 512].reshape(-1, 512) * np.hanning(512)
    power = (np.abs(np.fft.rfft(frames, axis=1)) ** 2).sum(axis=0)
    total = float(power.sum())
    if total <= 0:
        return False
    cutoff = int(CUTOFF_HZ / (SAMPLE_RATE / 512))
    return float(power[cutoff:].sum()) / total < NARROW_SHARE


__all__ = ["is_narrowband"]
