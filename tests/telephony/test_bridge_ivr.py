"""The bridge's voice menu (sans-I/O) and the shipped meeting recording."""

from __future__ import annotations

from callscribe.bridge import meeting
from callscribe.bridge.ivr import Answer, BridgeIvr, HangUp, JoinMeeting, Play, Stage


def feed(ivr: BridgeIvr, keys: str) -> list[object]:
    out: list[object] = []
    for key in keys:
        out += ivr.digit(key)
    return out


def test_right_answers_join_the_meeting() -> None:
    ivr = BridgeIvr("85012345678", "123456")
    assert ivr.start() == [Play("welcome")]
    assert feed(ivr, "85012345678#") == [
        Answer(Stage.MEETING_ID, "85012345678", True),
        Play("participant"),
    ]
    assert feed(ivr, "#") == [Answer(Stage.PARTICIPANT, "", True), Play("passcode")]
    assert feed(ivr, "123456#") == [
        Answer(Stage.PASSCODE, "123456", True),
        Play("joining"),
        JoinMeeting(),
    ]
    assert feed(ivr, "999#") == []


def test_three_wrong_passcodes_hang_up() -> None:
    ivr = BridgeIvr("123456789", "42")
    feed(ivr, "123456789#77#")
    assert feed(ivr, "1#") == [Answer(Stage.PASSCODE, "1", False), Play("invalid_passcode")]
    feed(ivr, "2#")
    assert feed(ivr, "3#") == [
        Answer(Stage.PASSCODE, "3", False),
        Play("goodbye"),
        HangUp("wrong passcode"),
    ]
    assert ivr.stage is Stage.DONE


def test_no_passcode_joins_after_participant() -> None:
    ivr = BridgeIvr("123456789")
    assert feed(ivr, "123456789##")[-1] == JoinMeeting()


def test_shipped_meeting_has_three_speakers_and_timed_lines() -> None:
    m = meeting.load()
    assert m.speakers == ("Priya", "Marcus", "Dana")
    assert 120 < m.duration < 190
    assert all(a.end <= b.start for a, b in zip(m.lines, m.lines[1:], strict=False))
    assert m.lines[-1].end <= m.duration
    assert "pricing deck" in m.transcript()
    assert len(m.pcm_at(8000)) * 2 == len(m.pcm)
    assert len(m.pcm_at(48000, 2)) == len(m.pcm) * 6
