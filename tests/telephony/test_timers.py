"""Deadlines per phase, computed from explicit ``now`` values."""

from __future__ import annotations

from callscribe.telephony.config import TelephonyConfig
from callscribe.telephony.lifecycle import CallEvent, CallState
from callscribe.telephony.timers import Deadlines

CONFIG = TelephonyConfig(
    answer_timeout=30, media_timeout=5, silence_timeout=60, max_call_seconds=600
)


def test_no_answer_then_answered() -> None:
    d = Deadlines(CONFIG, started=100.0)
    assert d.due(129.9, CallState.RINGING) is None
    assert d.due(130.0, CallState.RINGING) is CallEvent.ANSWER_TIMEOUT
    d.on_answer(110.0)
    assert d.due(130.0, CallState.ANSWERED) is CallEvent.MEDIA_TIMEOUT  # no RTP for 20 s


def test_media_keeps_the_call_alive_until_it_stops() -> None:
    d = Deadlines(CONFIG, started=0.0)
    d.on_answer(1.0)
    for t in range(2, 50):
        d.on_audio(float(t))
        d.on_speech(float(t))
        assert d.due(float(t), CallState.LISTENING) is None
    assert d.due(54.0, CallState.LISTENING) is CallEvent.MEDIA_TIMEOUT


def test_hold_music_is_silence() -> None:
    d = Deadlines(CONFIG, started=0.0)
    d.on_answer(1.0)
    d.on_audio(2.0)
    d.on_speech(10.0)
    for t in range(3, 80):
        d.on_audio(float(t))  # RTP keeps coming, nobody speaks
    assert d.due(69.9, CallState.LISTENING) is None
    assert d.due(70.0, CallState.LISTENING) is CallEvent.SILENCE_TIMEOUT


def test_max_duration_applies_in_every_state() -> None:
    d = Deadlines(CONFIG, started=0.0)
    assert d.due(600.0, CallState.DIALLING) is CallEvent.MAX_DURATION
    d.on_answer(1.0)
    d.on_audio(599.0)
    d.on_speech(599.0)
    assert d.due(600.0, CallState.LISTENING) is CallEvent.MAX_DURATION


def test_next_check_is_bounded() -> None:
    d = Deadlines(CONFIG, started=0.0)
    assert d.next_check(0.0, CallState.DIALLING) == 0.25
    assert d.next_check(29.9, CallState.DIALLING) < 0.11
