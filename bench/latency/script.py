"""The audio a benchmark client streams: real prompts laid end to end with silence after each.

Each utterance records where its speech starts and ends *in stream seconds*, so a client can
note the wall-clock moment it sent the last sample of speech, and results (whose times are
stream seconds too) can be matched to utterances by time rather than by text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bench.asr import corpus
from callscribe.audio.files import decode_file

# Speech ends at the last 10 ms frame whose RMS is at least this share of the prompt's loudest
# frame (-26 dB). The Asterisk prompts fade out over 0.1-0.3 s below that level; counting the
# fade as silence starts the clock early, so latencies are, if anything, overstated.
SPEECH_FLOOR = 0.05
FRAME_S = 0.01


@dataclass(frozen=True, slots=True)
class Utterance:
    """One prompt inside a script; ``start``/``end`` bound its speech, in stream seconds."""

    index: int
    name: str
    text: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Script:
    """A whole stream: s16le mono PCM at ``rate`` and the utterances in it."""

    pcm: bytes
    rate: int
    utterances: tuple[Utterance, ...]

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate


def speech_bounds(clip: NDArray[np.float32], rate: int) -> tuple[float, float]:
    """First and last moment (seconds into ``clip``) of speech above :data:`SPEECH_FLOOR`."""
    hop = int(rate * FRAME_S)
    frames = clip[: len(clip) // hop * hop].reshape(-1, hop)
    rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
    voiced = np.nonzero(rms >= SPEECH_FLOOR * rms.max())[0]
    if not len(voiced):
        return 0.0, len(clip) / rate
    return float(voiced[0] * FRAME_S), float((voiced[-1] + 1) * FRAME_S)


def pool(max_seconds: float = 8.0) -> list[corpus.Prompt]:
    """Every corpus prompt short enough to stay one utterance (stable order)."""
    return corpus.subset(10_000, max_seconds=max_seconds)


def build(
    prompts: list[corpus.Prompt], rate: int, *, gap: float = 1.5, lead: float = 0.5
) -> Script:
    """``lead`` seconds of silence, then each prompt followed by ``gap`` seconds of silence."""
    parts: list[NDArray[np.float32]] = [np.zeros(round(lead * rate), dtype=np.float32)]
    cursor = lead
    utterances: list[Utterance] = []
    silence = np.zeros(round(gap * rate), dtype=np.float32)
    for i, prompt in enumerate(prompts):
        clip = decode_file(prompt.wav, rate=rate)
        first, last = speech_bounds(clip, rate)
        utterances.append(Utterance(i, prompt.name, prompt.text, cursor + first, cursor + last))
        parts += [clip, silence]
        cursor += (len(clip) + len(silence)) / rate
    audio = np.concatenate(parts)
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    return Script(pcm, rate, tuple(utterances))


def rotation(
    prompts: list[corpus.Prompt], offset: int, seconds: float, gap: float
) -> list[corpus.Prompt]:
    """Prompts from ``offset`` onwards (wrapping) until about ``seconds`` of stream are filled."""
    out: list[corpus.Prompt] = []
    total = 0.0
    i = offset
    while total < seconds:
        prompt = prompts[i % len(prompts)]
        out.append(prompt)
        total += (prompt.wav.stat().st_size - 44) / 16000 + gap
        i += 1
    return out
