"""Talk time, silence, overlap and pace from message spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callscribe.insights import MessageInput, Person
from callscribe.insights.analytics import compute_analytics

T0 = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)
A, B = Person("Ann", "u-a"), Person("Bob", "u-b")


def _m(mid: str, who: Person, start: float, end: float, words: int) -> MessageInput:
    text = " ".join(["word"] * words)
    return MessageInput(mid, text, who, T0 + timedelta(seconds=start), T0 + timedelta(seconds=end))


def test_talk_silence_overlap_and_pace() -> None:
    msgs = [
        _m("1", A, 0, 30, 75),  # Ann 0-30
        _m("2", B, 25, 55, 60),  # Bob 25-55, overlapping Ann for 5 s
        _m("3", A, 70, 100, 75),  # silence 55-70
    ]
    result = compute_analytics(msgs, start=T0, end=T0 + timedelta(seconds=120))
    seconds = {m.type: m.seconds for m in result.metrics}
    percent = {m.type: m.percent for m in result.metrics}
    assert result.duration == 120
    assert seconds == {"total_talk_time": 85, "total_silence": 35, "total_overlap": 5}
    assert percent == {"total_talk_time": 70.83, "total_silence": 29.17, "total_overlap": 4.17}
    ann, bob = result.members
    assert (ann.member, ann.talk_time, ann.listen_time, ann.overlap_time) == (A, 60, 25, 5)
    assert (bob.member, bob.talk_time, bob.listen_time, bob.overlap_time) == (B, 30, 55, 5)
    assert ann.wpm == 150.0
    assert bob.wpm == 120.0
    assert ann.talk_percent == 50.0


def test_span_defaults_to_first_and_last_message() -> None:
    result = compute_analytics([_m("1", A, 10, 20, 10), _m("2", B, 30, 40, 10)])
    assert result.duration == 30
    assert {m.type: m.seconds for m in result.metrics}["total_silence"] == 10


def test_no_messages() -> None:
    result = compute_analytics([])
    assert result.duration == 0
    assert result.members == ()
    assert all(m.seconds == 0 for m in result.metrics)
