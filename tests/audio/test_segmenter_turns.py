"""Cutting an utterance where someone else takes over (no model: loud windows are speech)."""

from __future__ import annotations

import numpy as np

from callscribe.audio.segmenter import Segmenter, SegmenterConfig, SpeechStarted, Utterance
from callscribe.testing.vad import LoudnessVad

RATE = 16000


def talk(seconds: float) -> np.ndarray:
    return (np.random.default_rng(1).standard_normal(int(RATE * seconds)) * 0.2).astype(np.float32)


def quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds), dtype=np.float32)


def segmenter() -> Segmenter:
    config = SegmenterConfig(interims=False, early_finals=False)
    return Segmenter(config, vad=LoudnessVad())


def feed(seg: Segmenter, audio: np.ndarray) -> list[object]:
    out: list[object] = []
    for i in range(0, len(audio), 320):
        out += seg.feed(audio[i : i + 320])
    return out


def utterances(events: list[object]) -> list[tuple[float, float]]:
    return [(round(e.start, 2), round(e.end, 2)) for e in events if isinstance(e, Utterance)]


# Ann talks 0.5-2.5, a 0.4 s gap (shorter than the 0.6 s end-pointing pause), Bob 2.9-4.9.
EXCHANGE = [quiet(0.5), talk(2.0), quiet(0.4), talk(2.0), quiet(1.0)]


def test_without_a_turn_the_exchange_is_one_utterance() -> None:
    seg = segmenter()
    events = feed(seg, np.concatenate(EXCHANGE))
    assert len(utterances(events)) == 1


def test_a_turn_announced_ahead_ends_the_utterance_at_the_coming_pause() -> None:
    seg = segmenter()
    events = feed(seg, np.concatenate(EXCHANGE[:2]))  # up to 2.5 s: Ann still speaking
    assert seg.cut_near(2.7) == []  # Bob, announced before his audio arrives
    events += feed(seg, np.concatenate(EXCHANGE[2:]))
    (first, second) = utterances(events)
    assert 2.4 <= first[1] <= 2.8  # Ann's utterance ends in the gap, 0.15 s into it
    assert 2.5 <= second[0] <= 2.9  # Bob's starts there (with its pre-roll)
    assert sum(isinstance(e, SpeechStarted) for e in events) == 2


def test_a_turn_announced_late_cuts_at_the_pause_already_heard() -> None:
    seg = segmenter()
    events = feed(seg, np.concatenate(EXCHANGE[:3]))
    events += feed(seg, talk(0.5))  # Bob has been talking for 0.5 s when his event comes
    cut = seg.cut_near(2.9)
    (ann,) = utterances(cut)
    assert 2.5 <= ann[1] <= 2.9
    events += cut + feed(seg, np.concatenate([talk(1.5), quiet(1.0)]))
    assert len(utterances(events)) == 2


def test_no_pause_near_the_turn_leaves_the_utterance_whole() -> None:
    seg = segmenter()
    events = feed(seg, np.concatenate([quiet(0.5), talk(4.0)]))
    assert seg.cut_near(2.5) == []  # nothing quiet within reach yet
    events += feed(seg, np.concatenate([talk(1.0), quiet(1.0)]))  # nor after it
    assert len(utterances(events)) == 1


def test_a_turn_when_nobody_is_speaking_does_nothing() -> None:
    seg = segmenter()
    feed(seg, quiet(1.0))
    assert seg.cut_near(0.8) == []
