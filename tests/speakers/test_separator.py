"""An utterance that holds two voices is split at the word gap where the voice changes."""

from __future__ import annotations

import numpy as np

from callscribe.asr.types import Word
from callscribe.speakers.encoder import VoiceEncoder
from callscribe.speakers.separator import SeparationConfig, VoiceSeparator
from callscribe.testing.voices import RATE, Line, by


def words_over(line: Line, start: float) -> list[Word]:
    """The line's words spread evenly over its audio from stream second ``start``."""
    tokens = line.text.split()
    pace = len(line.audio) / RATE / len(tokens)
    return [
        Word(t, round(start + i * pace, 3), round(start + (i + 0.9) * pace, 3), 0.9)
        for i, t in enumerate(tokens)
    ]


def test_two_voices_in_one_utterance_are_two_runs(encoder: VoiceEncoder) -> None:
    marcus, priya, marcus2 = (
        by("Marcus", longer_than=2.5)[0],
        *by("Priya", longer_than=2.5)[:1],
        by("Marcus", longer_than=2.5)[1],
    )
    separator = VoiceSeparator(encoder, SeparationConfig.for_channel(False))
    gap = np.zeros(int(0.3 * RATE), dtype=np.float32)
    audio = np.concatenate([marcus.audio, gap, priya.audio, gap, marcus2.audio])
    t1 = len(marcus.audio) / RATE + 0.3
    t2 = t1 + len(priya.audio) / RATE + 0.3
    words = words_over(marcus, 0.0) + words_over(priya, t1) + words_over(marcus2, t2)
    runs = separator.runs(audio, 0.0, words)
    n1, n2 = len(marcus.text.split()), len(priya.text.split())
    # word times here are spread evenly over each line: the split may miss by one word
    assert len(runs) == 3
    assert runs[0].begin == 0
    assert runs[-1].end == len(words)
    assert abs(runs[1].begin - n1) <= 1
    assert abs(runs[1].end - (n1 + n2)) <= 1
    assert runs[0].cluster == runs[2].cluster == 0
    assert runs[1].cluster == 1
    # Priya says more later; the second pass (over the whole call) keeps what the first found
    priya2 = by("Priya", longer_than=2.5)[1]
    later = separator.runs(priya2.audio, 30.0, words_over(priya2, 30.0))
    assert [r.cluster for r in later] == [1]
    again = separator.second_pass()
    assert [[(r.begin, r.end, r.cluster) for r in u] for u in again] == [
        [(r.begin, r.end, r.cluster) for r in runs],
        [(0, len(priya2.text.split()), 1)],
    ]


def test_one_voice_stays_one_run(encoder: VoiceEncoder) -> None:
    lines = by("Dana", longer_than=2.0)[:2]
    separator = VoiceSeparator(encoder, SeparationConfig.for_channel(False))
    gap = np.zeros(int(0.3 * RATE), dtype=np.float32)
    audio = np.concatenate([lines[0].audio, gap, lines[1].audio])
    t1 = len(lines[0].audio) / RATE + 0.3
    words = words_over(lines[0], 10.0) + words_over(lines[1], 10.0 + t1)
    runs = separator.runs(audio, 10.0, words)
    assert [(r.begin, r.end, r.cluster) for r in runs] == [(0, len(words), 0)]
    assert runs[0].start == words[0].start
    assert runs[0].stop == words[-1].end
