"""The voices: which LibriSpeech readers are in which pool, and their clips as decoded audio.

Two disjoint pools of speakers: ``tune`` calls are for choosing thresholds, ``score`` calls for
reporting. A threshold chosen on a voice and scored on the same voice flatters the product, so
no reader is in both. Each pool has five readers from LibriSpeech test-other (ten clips each,
about 70 s) and ten from train-clean-100 (one clip each, about 15 s), both sexes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.speakers import speech
from callscribe.audio.files import decode_file
from callscribe.audio.pcm import Samples

DATA = Path(__file__).with_name("data")
MANY_CLIPS = "test-other"
"""The subset whose readers have ten clips each; train-clean-100 readers have one."""
BRIDGE = 0.4
"""Seconds: pauses shorter than this count as speech in the truth (see speech_intervals)."""


@dataclass(frozen=True, slots=True)
class Speaker:
    """A LibriSpeech reader, by LibriSpeech id."""

    id: str
    sex: str
    subset: str


@dataclass(frozen=True, slots=True)
class Clip:
    """One trimmed utterance: 16 kHz audio, its speech stretches, its speech level."""

    speaker: str
    name: str
    audio: Samples
    speech: tuple[speech.Interval, ...]
    rms: float


def _readers(subset: str, sexes: str) -> tuple[Speaker, ...]:
    """Speakers from ``"id:sex id:sex ..."``."""
    pairs = (item.split(":") for item in sexes.split())
    return tuple(Speaker(id_, sex, subset) for id_, sex in pairs)


TUNE = _readers(MANY_CLIPS, "1688:M 2414:M 3005:M 1998:F 3331:F") + _readers(
    "train-clean-100", "60:M 163:M 307:M 374:M 412:M 32:F 83:F 89:F 198:F 226:F"
)
SCORE = _readers(MANY_CLIPS, "2033:M 2609:M 3080:F 367:F 533:F") + _readers(
    "train-clean-100", "78:M 229:M 332:M 405:M 446:M 40:F 87:F 103:F 200:F 250:F"
)
POOLS = {"tune": TUNE, "score": SCORE}


def pool(set_name: str) -> tuple[Speaker, ...]:
    """The speakers of one set; a clear error for a misspelt name."""
    try:
        return POOLS[set_name]
    except KeyError:
        raise ValueError(f"unknown set {set_name!r}: expected one of {sorted(POOLS)}") from None


@functools.cache
def clips(speaker_id: str) -> tuple[Clip, ...]:
    """A speaker's clips from ``data/<id>/``, sorted by name, decoded once per process."""
    paths = sorted((DATA / speaker_id).glob("*.opus"))
    if not paths:
        raise FileNotFoundError(f"no clips for speaker {speaker_id} in {DATA}")
    return tuple(_clip(speaker_id, path) for path in paths)


def _clip(speaker_id: str, path: Path) -> Clip:
    audio = decode_file(path, rate=speech.RATE)
    spans = tuple(speech.speech_intervals(audio, BRIDGE))
    voiced = np.concatenate([audio[a:b] for a, b in spans]) if spans else audio
    rms = float(np.sqrt(np.mean(voiced.astype(np.float64) ** 2)))
    return Clip(speaker_id, path.stem, audio, spans, rms)


if {s.id for s in TUNE} & {s.id for s in SCORE}:
    raise RuntimeError("a speaker is in both the tune and the score pool")

__all__ = ["POOLS", "SCORE", "TUNE", "Clip", "Speaker", "clips", "pool"]
