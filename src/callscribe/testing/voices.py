"""Voices for tests of speaker separation: lines of the bundled meeting (three synthetic voices,
made for callscribe), at 16 kHz and through an 8 kHz mu-law phone line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from callscribe.asr.types import Transcript, Word
from callscribe.audio.files import iter_file
from callscribe.audio.g711 import float_to_mulaw, mulaw_to_float
from callscribe.audio.pcm import resample
from callscribe.bridge import meeting

RATE = 16000


@dataclass(frozen=True)
class Line:
    speaker: str
    text: str
    audio: NDArray[np.float32]


@cache
def _meeting() -> tuple[NDArray[np.float32], list[dict[str, object]]]:
    wav = Path(meeting.__file__).with_name("meeting.wav")
    script = json.loads(Path(meeting.__file__).with_name(meeting.SCRIPT_FILE).read_text())
    audio = np.concatenate(list(iter_file(wav, rate=RATE)))
    return audio, script["lines"]


def phone_line(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    """8 kHz G.711 mu-law and back to 16 kHz, as a PSTN dial-in delivers it."""
    return resample(mulaw_to_float(float_to_mulaw(resample(audio, RATE, 8000))), 8000, RATE)


@cache
def lines() -> tuple[Line, ...]:
    audio, script = _meeting()
    out = []
    for line in script:
        a, b = int(float(str(line["start"])) * RATE), int(float(str(line["end"])) * RATE)
        out.append(Line(str(line["speaker"]), str(line["text"]), audio[a:b]))
    return tuple(out)


def by(speaker: str, *, longer_than: float = 2.0) -> list[Line]:
    return [x for x in lines() if x.speaker == speaker and len(x.audio) > longer_than * RATE]


def transcript_of(line: Line, start: float) -> Transcript:
    """The line's words spread evenly over its audio from stream second ``start`` (what a
    recogniser would give, give or take a word's timing)."""
    tokens = line.text.split()
    pace = len(line.audio) / RATE / len(tokens)
    words = tuple(
        Word(t, round(start + i * pace, 3), round(start + (i + 0.9) * pace, 3), 0.9)
        for i, t in enumerate(tokens)
    )
    return Transcript(line.text, words, 0.9, words[0].start, words[-1].end)


__all__ = ["RATE", "Line", "by", "lines", "phone_line", "transcript_of"]
