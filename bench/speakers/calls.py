"""Synthetic multi-speaker calls from real voices, with their truth, on two lines.

A call (seeded by its set and number, so every run and machine builds the same audio):

* 2, 3 or 4 speakers from one pool (:mod:`bench.speakers.pool`), 40–90 s; one or two of them
  (both in a call of two) have ten clips, the others a single 15 s clip (see ``_casts``); the
  tune set also has calls where everyone is of one sex (``_same_sex_casts``): alike voices;
* a sequence of turns; everyone speaks once in a random order, then each turn goes to another
  speaker at random among those with material left. A turn is 1–8 s (log-uniform, so short turns
  are common): a whole clip or a piece of one cut at its quietest 50 ms near the drawn length;
  the rest of the clip serves that speaker's next turn. No piece is used twice in a call;
* between turns a gap of 0.1–0.5 s, or for 10 % of turn changes an overlap of 0.1–0.4 s
  (summed);
* each speaker at their own level, -26 dBFS ± 4 dB of speech, as callers on different phones.

Lines: ``16k`` is the mix as is; ``8k`` passes it through a phone line: 300–3400 Hz band-pass,
8 kHz, G.711 µ-law, back to 16 kHz. Truth is each turn's speech stretches (pauses under 0.4 s
inside), from clip energy (:mod:`bench.speakers.speech`), never from the product's VAD.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import numpy as np
from scipy.signal import butter, sosfilt

from bench.speakers import pool, speech
from callscribe.audio.g711 import float_to_mulaw, mulaw_to_float
from callscribe.audio.pcm import Samples, resample

RATE = speech.RATE
T = TypeVar("T")
SEED = 20261201
CALLS_PER_SET = {"tune": 30, "score": 10}
"""Thresholds are chosen on three times as many calls as are scored: ten calls hear each voice
about twice, too few to meet the pairs of alike voices that decide a threshold."""
SAME_SEX_CALLS = {"tune": 12, "score": 0}
"""Calls after those, where everyone is of one sex: alike voices, which the mixed casts rarely
pair (the score calls' failures were alike voices merged). Only in the set tuned on."""
SAME_SEX_SEED = 7
SAME_SEX_COUNTS = (2, 3, 2, 3, 4, 2)
SPEAKER_COUNTS = (2, 3, 4, 2, 3, 2, 4, 3, 2, 3)
"""Speakers per call, by call number (repeating): four calls of 2, four of 3, two of 4."""
MIN_CALL, MAX_CALL = 40.0, 90.0
MIN_TURN, MAX_TURN = 1.0, 8.0
GAP = (0.1, 0.5)
OVERLAP = (0.1, 0.4)
OVERLAP_SHARE = 0.1
LEVEL_DB, LEVEL_SPREAD_DB = -26.0, 4.0
LEAD, TAIL, PAD = 0.5, 0.5, 0.05
"""Seconds of silence before the first and after the last turn; audio kept around a piece."""
PEAK = 0.95
PHONE_RATE = 8000
ATTEMPTS = 20


class Segment(NamedTuple):
    """Speech of one speaker, in seconds from the start of the call."""

    start: float
    end: float
    speaker: str


@dataclass(frozen=True, slots=True)
class Call:
    """One call: who speaks, when (truth), and its audio at 16 kHz on both lines."""

    name: str
    speakers: tuple[str, ...]
    truth: tuple[Segment, ...]
    audio_16k: Samples
    audio_8k: Samples

    @property
    def seconds(self) -> float:
        return len(self.audio_16k) / RATE


@dataclass(frozen=True, slots=True)
class _Piece:
    """Part of a clip: audio (with PAD around), and its speech stretches relative to it."""

    audio: Samples
    speech: tuple[speech.Interval, ...]
    rms: float


class _Material:
    """A speaker's clips in a call's random order, consumed front to back."""

    def __init__(self, clips: list[pool.Clip]) -> None:
        self._clips = clips
        self._pos = 0

    def take(self, seconds: float) -> _Piece | None:
        """The next piece of about ``seconds`` (1–8 s), or None when all is used."""
        while self._clips:
            clip = self._clips[0]
            spans = [(max(a, self._pos), b) for a, b in clip.speech if b > self._pos]
            if not spans or (spans[-1][1] - spans[0][0]) < MIN_TURN * RATE:
                self._clips.pop(0)
                self._pos = 0
                continue
            start, cut = spans[0][0], self._cut(clip, spans[0][0], spans[-1][1], seconds)
            self._pos = cut
            inside = [(a, min(b, cut)) for a, b in spans if a < cut]
            if inside[-1][1] - start >= MIN_TURN * RATE:
                return _piece(clip, inside)
        return None

    @staticmethod
    def _cut(clip: pool.Clip, start: int, end: int, seconds: float) -> int:
        """Where this turn ends: the clip's end if near, else its quietest point near the target."""
        left = (end - start) / RATE
        if left <= MAX_TURN and left - seconds < MIN_TURN:
            return end
        lo = start + int(max(MIN_TURN, seconds - 0.75) * RATE)
        hi = start + int(min(seconds + 0.75, MAX_TURN, left - MIN_TURN) * RATE)
        return speech.quietest(clip.audio, lo, max(hi, lo + speech.FRAME))


@dataclass(frozen=True, slots=True)
class _Turn:
    """A piece placed in the call: its speech starts at ``start`` seconds."""

    start: float
    speaker: str
    piece: _Piece

    @property
    def end(self) -> float:
        return self.start + (self.piece.speech[-1][1] - self.piece.speech[0][0]) / RATE


def _piece(clip: pool.Clip, spans: list[speech.Interval]) -> _Piece:
    pad = int(PAD * RATE)
    first = max(0, spans[0][0] - pad)
    last = min(len(clip.audio), spans[-1][1] + pad)
    relative = tuple((a - first, b - first) for a, b in spans)
    return _Piece(clip.audio[first:last], relative, clip.rms)


def _turn_seconds(rng: np.random.Generator) -> float:
    """Log-uniform 1–8 s: many short turns, some long ones, as in conversation."""
    return math.exp(rng.uniform(math.log(MIN_TURN), math.log(MAX_TURN)))


def _next_start(rng: np.random.Generator, previous_end: float) -> float:
    """Where the next turn's speech starts: after a gap, or before the last turn ends."""
    if rng.random() < OVERLAP_SHARE:
        return previous_end - rng.uniform(*OVERLAP)
    return previous_end + rng.uniform(*GAP)


def _layout(rng: np.random.Generator, speakers: list[str]) -> list[_Turn] | None:
    """Turns in time order, or None when the speakers run out of material before 40 s."""
    material = {s: _Material(_shuffled(rng, pool.clips(s))) for s in speakers}
    target = rng.uniform(MIN_CALL, MAX_CALL - TAIL - GAP[1] - MAX_TURN)
    first_round = _shuffled(rng, speakers)
    spent: set[str] = set()
    turns: list[_Turn] = []
    end = LEAD
    while end < target:
        if first_round:
            speaker = first_round.pop(0)
        else:
            last = turns[-1].speaker
            choices = [s for s in speakers if s != last and s not in spent]
            if not choices:
                break
            speaker = choices[int(rng.integers(len(choices)))]
        start = _next_start(rng, end) if turns else LEAD
        piece = material[speaker].take(_turn_seconds(rng))
        if piece is None:
            spent.add(speaker)
            continue
        turns.append(_Turn(start, speaker, piece))
        end = max(end, turns[-1].end)
    everyone = {t.speaker for t in turns} == set(speakers)
    return turns if everyone and end + TAIL >= MIN_CALL else None


def _shuffled(rng: np.random.Generator, items: Sequence[T]) -> list[T]:
    return [items[int(i)] for i in rng.permutation(len(items))]


def _mix(
    rng: np.random.Generator, speakers: list[str], turns: list[_Turn]
) -> tuple[Samples, tuple[Segment, ...]]:
    """Sum the turns at each speaker's level; the truth is every turn's speech stretches."""
    level = {
        s: 10 ** ((LEVEL_DB + rng.uniform(-LEVEL_SPREAD_DB, LEVEL_SPREAD_DB)) / 20)
        for s in speakers
    }
    out = np.zeros(int((max(t.end for t in turns) + TAIL) * RATE), dtype=np.float32)
    truth: list[Segment] = []
    for turn in turns:
        piece = turn.piece
        offset = round(turn.start * RATE) - piece.speech[0][0]
        out[offset : offset + len(piece.audio)] += piece.audio * (level[turn.speaker] / piece.rms)
        truth += [
            Segment((offset + a) / RATE, (offset + b) / RATE, turn.speaker) for a, b in piece.speech
        ]
    peak = float(np.max(np.abs(out)))
    if peak > PEAK:
        out *= PEAK / peak
    return out, tuple(sorted(truth))


_BAND = butter(4, (300.0, 3400.0), btype="bandpass", fs=RATE, output="sos")


def phone_line(samples: Samples) -> Samples:
    """What a PSTN leg does to 16 kHz audio: telephone band, 8 kHz, µ-law; back at 16 kHz."""
    band = sosfilt(_BAND, samples).astype(np.float32)
    narrow = np.clip(resample(band, RATE, PHONE_RATE), -1.0, 1.0)
    wide = resample(mulaw_to_float(float_to_mulaw(narrow)), PHONE_RATE, RATE)
    out = np.zeros(len(samples), dtype=np.float32)
    out[: min(len(out), len(wide))] = wide[: len(out)]
    return out


def _casts(set_name: str) -> list[list[str]]:
    """Who is on each call of a set. One or two speakers per call (two in a call of two) read
    ten clips; the rest read one, run out after about 15 s, and so say little, as some callers
    do. The least-used speakers are taken first, so every voice of the pool is heard."""
    rng = np.random.default_rng([SEED, list(pool.POOLS).index(set_name)])
    readers = pool.pool(set_name)
    hosts = [s.id for s in readers if s.subset == pool.MANY_CLIPS]
    guests = [s.id for s in readers if s.subset != pool.MANY_CLIPS]
    used: Counter[str] = Counter()
    casts: list[list[str]] = []
    for number in range(CALLS_PER_SET[set_name]):
        count = SPEAKER_COUNTS[number % len(SPEAKER_COUNTS)]
        many = 2 if count == 2 else int(rng.integers(1, 3))
        cast = _least_used(rng, hosts, used, many) + _least_used(rng, guests, used, count - many)
        used.update(cast)
        casts.append(sorted(cast, key=int))
    return casts


def _same_sex_casts(set_name: str) -> list[list[str]]:
    """Casts of one sex, men and women in turn, least-used readers first."""
    rng = np.random.default_rng([SEED, SAME_SEX_SEED])
    readers = pool.pool(set_name)
    used: Counter[str] = Counter()
    casts: list[list[str]] = []
    for number in range(SAME_SEX_CALLS[set_name]):
        sex = "M" if number % 2 == 0 else "F"
        hosts = [s.id for s in readers if s.subset == pool.MANY_CLIPS and s.sex == sex]
        guests = [s.id for s in readers if s.subset != pool.MANY_CLIPS and s.sex == sex]
        count = SAME_SEX_COUNTS[number % len(SAME_SEX_COUNTS)]
        many = min(len(hosts), 2 if count == 2 else int(rng.integers(1, 3)))
        cast = _least_used(rng, hosts, used, many) + _least_used(rng, guests, used, count - many)
        used.update(cast)
        casts.append(sorted(cast, key=int))
    return casts


def _least_used(rng: np.random.Generator, ids: list[str], used: Counter[str], k: int) -> list[str]:
    ties = rng.random(len(ids))
    return [ids[i] for i in sorted(range(len(ids)), key=lambda i: (used[ids[i]], ties[i]))[:k]]


def build(set_name: str, number: int) -> Call:
    """Call ``number`` of a set; its turns are redrawn if its speakers run out before 40 s."""
    mixed = CALLS_PER_SET[set_name]
    if number < mixed:
        speakers = _casts(set_name)[number]
        rng = np.random.default_rng([SEED, list(pool.POOLS).index(set_name), number])
    else:
        speakers = _same_sex_casts(set_name)[number - mixed]
        rng = np.random.default_rng([SEED, SAME_SEX_SEED, number - mixed])
    for _ in range(ATTEMPTS):
        turns = _layout(rng, speakers)
        if turns is not None:
            audio, truth = _mix(rng, speakers, turns)
            name = f"{set_name}-{number:02d}"
            return Call(name, tuple(speakers), truth, audio, phone_line(audio))
    raise RuntimeError(f"{set_name} call {number}: {speakers} cannot fill {MIN_CALL:.0f} s")


def calls(set_name: str) -> list[Call]:
    """The set's calls (``tune`` or ``score``), the same on every run."""
    count = CALLS_PER_SET[set_name] + SAME_SEX_CALLS[set_name]
    return [build(set_name, number) for number in range(count)]


__all__ = ["Call", "Segment", "build", "calls", "phone_line"]
