"""The call state table: progress, endings by status and phase, first end wins."""

from __future__ import annotations

import pytest

from callscribe.telephony.lifecycle import (
    CallEvent,
    CallMachine,
    CallState,
    EndReason,
    reason_for_status,
)

E, S, R = CallEvent, CallState, EndReason


def test_happy_path_with_dtmf() -> None:
    m = CallMachine(has_dtmf=True)
    states = [m.handle(e).state for e in (E.RING, E.ANSWER, E.MEDIA, E.KEYS_DONE)]  # type: ignore[union-attr]
    assert states == [S.RINGING, S.ANSWERED, S.KEYING_DTMF, S.LISTENING]


def test_without_dtmf_media_goes_straight_to_listening() -> None:
    m = CallMachine(has_dtmf=False)
    m.handle(E.ANSWER)
    step = m.handle(E.MEDIA)
    assert step is not None
    assert step.state is S.LISTENING
    assert step.previous is S.ANSWERED


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (486, R.BUSY),
        (600, R.BUSY),
        (603, R.DECLINED),
        (401, R.AUTH_FAILED),
        (403, R.AUTH_FAILED),
        (407, R.AUTH_FAILED),
        (408, R.NO_ANSWER),
        (480, R.NO_ANSWER),
        (404, R.UNREACHABLE),
        (503, R.UNREACHABLE),
        (None, R.UNREACHABLE),
    ],
)
def test_failures_before_answer_are_classified(status: int | None, reason: EndReason) -> None:
    assert reason_for_status(status) is reason
    m = CallMachine(has_dtmf=False)
    m.handle(E.RING)
    step = m.handle(E.FAIL, sip_status=status)
    assert step is not None
    assert step.reason is reason
    assert m.sip_status == status
    assert m.ended


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([E.ANSWER_TIMEOUT], R.UNREACHABLE),
        ([E.RING, E.ANSWER_TIMEOUT], R.NO_ANSWER),
        ([E.ANSWER, E.MEDIA_TIMEOUT], R.MEDIA_LOST),
        ([E.ANSWER, E.MEDIA, E.MEDIA_TIMEOUT], R.MEDIA_LOST),
        ([E.ANSWER, E.MEDIA, E.SILENCE_TIMEOUT], R.SILENCE_TIMEOUT),
        ([E.ANSWER, E.MEDIA, E.KEYS_DONE, E.REMOTE_BYE], R.REMOTE_HANGUP),
        ([E.RING, E.MAX_DURATION], R.MAX_DURATION),
        ([E.ANSWER, E.MEDIA, E.KEYS_DONE, E.STOP], R.STOPPED),
        ([E.STOP], R.STOPPED),
        ([E.ANSWER, E.ERROR], R.ERROR),
    ],
)
def test_each_phase_ends_with_its_reason(events: list[CallEvent], reason: EndReason) -> None:
    m = CallMachine(has_dtmf=True)
    for event in events:
        m.handle(event)
    assert m.reason is reason
    assert m.state is S.ENDED


def test_first_end_wins_and_later_events_are_ignored() -> None:
    m = CallMachine(has_dtmf=False)
    m.handle(E.ANSWER)
    m.handle(E.STOP)
    assert m.handle(E.REMOTE_BYE) is None
    assert m.handle(E.FAIL, sip_status=486) is None
    assert m.reason is R.STOPPED


def test_stale_events_are_ignored_not_fatal() -> None:
    m = CallMachine(has_dtmf=False)
    m.handle(E.ANSWER)
    assert m.handle(E.RING) is None  # a late 180
    assert m.handle(E.FAIL, sip_status=486) is None  # no refusals after the answer
    assert m.handle(E.SILENCE_TIMEOUT) is None  # no silence before media
    assert m.state is S.ANSWERED
