"""The speaker timeline: changes kept in the order of their moments, not their arrival."""

from __future__ import annotations

from callscribe.pipeline.timeline import SpeakerTimeline
from callscribe.records import Speaker

ANN, BOB = Speaker("Ann", "ann@example.com"), Speaker("Bob", "bob@example.com")


def test_the_speaker_at_a_moment_is_the_last_one_announced_before_it() -> None:
    timeline = SpeakerTimeline()
    assert timeline.speaker_at(3.0) is None
    timeline.start(1.0, ANN)
    timeline.start(5.0, BOB)
    assert [timeline.speaker_at(t) for t in (0.5, 1.0, 4.9, 5.0, 99.0)] == [
        None,
        ANN,
        ANN,
        BOB,
        BOB,
    ]


def test_a_late_event_with_an_earlier_moment_is_placed_by_its_moment() -> None:
    timeline = SpeakerTimeline()
    timeline.start(5.0, BOB)
    timeline.start(1.0, ANN)  # arrives second, happened first
    assert timeline.speaker_at(2.0) == ANN
    assert timeline.speaker_at(6.0) == BOB
    assert [c.speaker for c in timeline.changes(0.0, 10.0)] == [ANN, BOB]
    assert timeline.changes(1.0, 5.0)[0].at == 5.0  # after < at <= until


def test_stopping_ends_only_the_current_speakers_span_and_falls_back_to_the_default() -> None:
    me = Speaker("Streamer")
    timeline = SpeakerTimeline(default=me)
    timeline.start(1.0, ANN)
    timeline.start(2.0, BOB)
    timeline.stop(2.5, ANN)  # Ann's stop comes after Bob took over: it changes nothing
    assert timeline.speaker_at(3.0) == BOB
    timeline.stop(4.0, BOB)
    assert timeline.speaker_at(4.5) == me
    assert timeline.speakers() == (ANN, BOB, me)


def test_forgetting_keeps_the_change_in_effect() -> None:
    timeline = SpeakerTimeline()
    for at, who in ((1.0, ANN), (2.0, BOB), (3.0, ANN)):
        timeline.start(at, who)
    timeline.forget_before(2.5)
    assert len(timeline) == 2
    assert timeline.speaker_at(2.6) == BOB
