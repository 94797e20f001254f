"""Changes of speaker found live at pauses, on calls of real voices, at 16 kHz and 8 kHz.

    .venv/bin/python -m bench.speakers.pauses                 # the score set
    .venv/bin/python -m bench.speakers.pauses --set tune      # the set the thresholds came from

Without speaker events, a live call learns where the floor changed hands by comparing the
voices either side of a pause one second after it
(:meth:`callscribe.pipeline.voices.VoiceStage.watch`). This runs each call's audio through the
product's end-pointer (:class:`~callscribe.audio.segmenter.Segmenter`) and its comparison
(:meth:`~callscribe.speakers.separator.VoiceSeparator.changes`) with the pauses the live stage
would compare (:class:`~callscribe.pipeline.voices.ComparedPauses`) and scores each against
the call's truth: a change when the speaker of the second before the pause is not the speaker
of the second after it. It prints precision and recall of the changes found, and the CPU the
comparisons cost per audio second.

Precision and recall over the pauses compared do not count a change of speaker where no pause
was compared (the gap too short for the end-pointer to hear, or too near the last pause
compared): live, the words before such a change wait for the utterance to end. So it also
prints, of every change of speaker in the calls, how many had a pause compared near them and
how many were found there.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench import machine
from bench.speakers.calls import RATE, Call, Segment, calls
from callscribe.audio.segmenter import Pause, Segmenter, SpeechStarted, Utterance
from callscribe.pipeline.voices import CHANGE_AFTER, CHANGE_BEFORE, ComparedPauses
from callscribe.speakers.encoder import shared_encoder
from callscribe.speakers.separator import SeparationConfig, VoiceSeparator

CHUNK = 320
"""Samples fed at a time (20 ms, as a call's RTP frames)."""


@dataclass(frozen=True, slots=True)
class Judged:
    """One pause compared (stream seconds): whether a change was found, and whether there
    was one."""

    start: float
    end: float
    found: bool
    truth: bool


NEAR = 0.3
"""Seconds by which a pause may miss the silence between two turns and still be the change
between them (the end-pointer's pause and the truth's speech edges differ by about that)."""


def turn_changes(truth: Sequence[Segment]) -> list[tuple[float, float]]:
    """Where the floor changes hands: from the end of one speaker's speech to the start of
    the next one's (reversed where they overlap)."""
    ordered = sorted(truth, key=lambda s: s.start)
    return [
        (min(a.end, b.start), max(a.end, b.start))
        for a, b in itertools.pairwise(ordered)
        if a.speaker != b.speaker
    ]


def changes_found(truth: Sequence[Segment], judged: Sequence[Judged]) -> tuple[int, int, int]:
    """Of the call's changes of speaker: how many, how many a compared pause fell on, and how
    many of those it found. A change no pause is compared at is a change a live listener
    learns of only when the utterance ends: its words wait for that."""
    found = compared = 0
    changes = turn_changes(truth)
    for a, b in changes:
        at = [j for j in judged if j.start < b + NEAR and j.end > a - NEAR]
        compared += bool(at)
        found += any(j.found for j in at)
    return len(changes), compared, found


def pauses(audio: np.ndarray, min_side: float) -> list[tuple[float, float]]:
    """The pauses the live stage compares, as (start, end) stream seconds."""
    seg = Segmenter()
    events: list[object] = []
    for i in range(0, len(audio), CHUNK):
        events += seg.feed(audio[i : i + CHUNK])
    events += seg.flush()
    chosen = ComparedPauses(min_side)
    out: list[tuple[float, float]] = []
    for e in events:
        pause = None
        if isinstance(e, Pause):
            pause = chosen.inside(e.start, e.end, e.utterance)
        elif isinstance(e, SpeechStarted):
            pause = chosen.before(e.start)
        elif isinstance(e, Utterance):
            chosen.spoke_until(e.end - seg.config.pad)  # the last word's end, near enough
        if pause is not None:
            out.append((pause.start, pause.end))
    return out


def speaker_in(truth: Sequence[Segment], start: float, end: float) -> str | None:
    """Who speaks most between ``start`` and ``end``."""
    held: dict[str, float] = {}
    for s in truth:
        overlap = min(end, s.end) - max(start, s.start)
        if overlap > 0:
            held[s.speaker] = held.get(s.speaker, 0.0) + overlap
    return max(held, key=held.__getitem__) if held else None


def judge(separator: VoiceSeparator, call: Call, audio: np.ndarray) -> tuple[list[Judged], float]:
    """Every compared pause of one call on one line, and the CPU seconds the comparisons took."""
    out: list[Judged] = []
    cpu = 0.0
    for start, end in pauses(audio, separator.config.min_side):
        origin = max(0.0, start - CHANGE_BEFORE)
        piece = audio[int(origin * RATE) : int((end + CHANGE_AFTER) * RATE)]
        began = time.process_time()
        found = separator.changes(piece, (start - origin, end - origin))
        cpu += time.process_time() - began
        before = speaker_in(call.truth, start - 1.0, start)
        after = speaker_in(call.truth, end, end + 1.0)
        out.append(Judged(start, end, found, before != after))
    return out, cpu


def report(
    line: str,
    judged: Sequence[Judged],
    turns: tuple[int, int, int],
    cpu: float,
    seconds: float,
) -> str:
    found = sum(j.found for j in judged)
    truth = sum(j.truth for j in judged)
    right = sum(j.found and j.truth for j in judged)
    precision = right / found if found else float("nan")
    recall = right / truth if truth else float("nan")
    return (
        f"{line}: {len(judged)} pauses compared, {truth} with a change of speaker; "
        f"changes found {found}: precision {precision:.2f}, recall {recall:.2f}; "
        f"of {turns[0]} changes of speaker in the calls, {turns[1]} had a pause compared and "
        f"{turns[2]} ({turns[2] / max(1, turns[0]):.0%}) were found there; "
        f"CPU {1000 * cpu / seconds:.0f} ms per audio second"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.speakers.pauses", description=__doc__)
    parser.add_argument("--set", choices=["score", "tune"], default="score")
    parser.add_argument("--limit", type=int, default=None, help="only the first N calls")
    args = parser.parse_args()
    print(f"bench.speakers.pauses: {machine.describe()}")
    chosen = calls(args.set)[: args.limit]
    seconds = sum(c.seconds for c in chosen)
    print(f"set {args.set}: {len(chosen)} calls, {seconds:.0f} s of audio")
    encoder = shared_encoder()
    for line, narrow in (("16k", False), ("8k", True)):
        separator = VoiceSeparator(encoder, SeparationConfig.for_channel(narrow))
        judged: list[Judged] = []
        counts = np.zeros(3, dtype=np.int64)
        cpu = 0.0
        for call in chosen:
            got, spent = judge(separator, call, call.audio_16k if line == "16k" else call.audio_8k)
            judged += got
            counts += changes_found(call.truth, got)
            cpu += spent
        turns = (int(counts[0]), int(counts[1]), int(counts[2]))
        print(report(line, judged, turns, cpu, seconds))
    print(f"{machine.load()} at the end")


if __name__ == "__main__":
    main()
