"""Speaker changes land on the pause between words that best explains them."""

from __future__ import annotations

import itertools

from callscribe.pipeline.attribution import AttributionConfig, Turn, attribute
from callscribe.pipeline.timeline import SpeakerTimeline
from callscribe.records import Speaker

from .words import said

ANN, BOB = Speaker("Ann"), Speaker("Bob")
# "Ann: Can we ship on Friday? / Bob: Yes we can." with a 0.5 s pause between the turns and a
# 0.2 s pause after the comma-less "Can we ship" (the kind inside a sentence)
UTTERANCE = said("Can we ship on Friday? Yes we can.", 10.0, pauses={3: 0.2, 5: 0.5})
WORDS = UTTERANCE.words
TURN_GAP = (WORDS[4].end, WORDS[5].start)  # 11.57 .. 12.2


def pauses() -> list[float]:
    inner = [max(0.0, b.start - a.end) for a, b in itertools.pairwise(WORDS)]
    return [1.0, *inner, 1.0]


def turns_for(*changes: tuple[float, Speaker | None]) -> list[tuple[str | None, str]]:
    timeline = SpeakerTimeline()
    for at, who in changes:
        if who is None:
            timeline.stop(at, None)
        else:
            timeline.start(at, who)
    out = attribute(WORDS, pauses(), timeline)
    return [
        (t.speaker.name if t.speaker else None, " ".join(w.word for w in WORDS[t.begin : t.end]))
        for t in out
    ]


def test_a_change_inside_the_pause_between_turns_splits_there() -> None:
    at = (TURN_GAP[0] + TURN_GAP[1]) / 2
    assert turns_for((9.5, ANN), (at, BOB)) == [
        ("Ann", "Can we ship on Friday?"),
        ("Bob", "Yes we can."),
    ]


def test_an_early_or_late_change_still_finds_the_turns_pause() -> None:
    for shift in (-0.3, 0.3):
        at = TURN_GAP[0] + shift if shift < 0 else TURN_GAP[1] + shift
        assert turns_for((9.5, ANN), (at, BOB)) == [
            ("Ann", "Can we ship on Friday?"),
            ("Bob", "Yes we can."),
        ], shift


def test_a_change_never_lands_inside_a_run_of_words_without_a_pause() -> None:
    # "Yes we can." is said without a pause: a change in its middle goes to a pause around it
    # (here the end of the words, the longest one near it), never between "Yes" and "we"
    middle = WORDS[6].start + 0.1
    assert turns_for((9.5, ANN), (middle, BOB)) == [("Ann", "Can we ship on Friday? Yes we can.")]


def test_no_events_leave_the_default_and_one_before_the_words_names_them_all() -> None:
    assert turns_for() == [(None, "Can we ship on Friday? Yes we can.")]
    assert turns_for((2.0, BOB)) == [("Bob", "Can we ship on Friday? Yes we can.")]


def test_a_stop_falls_back_to_the_default_speaker() -> None:
    timeline = SpeakerTimeline(default=BOB)
    timeline.start(9.0, ANN)
    timeline.stop(TURN_GAP[0] + 0.1, ANN)
    out = attribute(WORDS, pauses(), timeline, AttributionConfig())
    assert out == [Turn(ANN, 0, 5), Turn(BOB, 5, 8)]
