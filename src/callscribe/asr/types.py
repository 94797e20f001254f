"""What a recogniser returns, and the interface every engine implements.

Times in a :class:`Transcript` are seconds from the start of the audio given to the engine;
:meth:`Transcript.shifted` moves them to stream time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

Audio = NDArray[np.float32]
"""Mono float32 samples in [-1, 1] at the recogniser's ``sample_rate`` (16 kHz for all here)."""


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word. ``word`` carries Whisper's punctuation (``"Hello,"``)."""

    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True, slots=True)
class Transcript:
    """Punctuated, cased text with per-word timings and an overall confidence in [0, 1]."""

    text: str
    words: tuple[Word, ...] = ()
    confidence: float = 0.0
    start: float = 0.0
    end: float = 0.0

    @property
    def empty(self) -> bool:
        """True when nothing was recognised (silence, noise, or a dropped hallucination)."""
        return not self.text

    def shifted(self, offset: float) -> Transcript:
        """The same transcript with every time moved by ``offset`` seconds."""
        words = tuple(
            replace(w, start=round(w.start + offset, 3), end=round(w.end + offset, 3))
            for w in self.words
        )
        return replace(
            self, words=words, start=round(self.start + offset, 3), end=round(self.end + offset, 3)
        )


@runtime_checkable
class Recognizer(Protocol):
    """A speech recogniser. Calls block (run them off the event loop) and are thread-safe."""

    name: str
    sample_rate: int

    def transcribe(self, audio: Audio) -> Transcript:
        """Final-quality recognition with word timings."""
        ...

    def transcribe_interim(self, audio: Audio) -> Transcript:
        """A cheaper hypothesis for live display; word timings may be absent."""
        ...

    def transcribe_batch(
        self, audios: Sequence[Audio], *, interim: bool = False
    ) -> list[Transcript]:
        """Several utterances at once (cheaper per utterance); interim quality if asked."""
        ...

    def warm_up(self) -> None:
        """Load the model now rather than on the first call."""
        ...


def confidence_of(words: Sequence[Word]) -> float:
    """Mean word probability: what Symbl reports as an alternative's confidence."""
    if not words:
        return 0.0
    return float(round(sum(w.probability for w in words) / len(words), 4))


__all__ = ["Audio", "Recognizer", "Transcript", "Word", "confidence_of"]
