"""The audio clock: wall-clock moments placed on a stream by the time its first sample came."""

from __future__ import annotations

import pytest

from callscribe.pipeline.clock import Placement, StreamClock


def test_moments_are_placed_from_the_first_samples_wall_time() -> None:
    clock = StreamClock(rate=16000)
    assert clock.place(1000.0) == Placement(0.0, False)  # no audio yet: at arrival
    clock.fed(3200, now=1000.2)  # 0.2 s of audio that began at 1000.0
    clock.fed(16000, now=1001.2)
    assert clock.origin == 1000.0
    assert clock.position == 1.2
    assert clock.place(1000.7) == Placement(pytest.approx(0.7), True)
    assert clock.place(999.0) == Placement(0.0, True)  # before the stream: its start
    assert clock.place(None) == Placement(1.2, False)  # no timestamp: at arrival


def test_a_timestamp_far_ahead_of_the_audio_is_placed_at_arrival() -> None:
    clock = StreamClock(rate=16000, max_ahead=2.0)
    clock.fed(16000, now=500.0)  # 1 s of audio that began at 499.0
    assert clock.place(501.5) == Placement(2.5, True)  # within 2 s of the audio received
    assert clock.place(502.5) == Placement(1.0, False)  # a clock far off


def test_audio_that_waited_in_a_buffer_does_not_move_the_start() -> None:
    clock = StreamClock(rate=16000)
    for n in range(150):  # three seconds held back (a recogniser loading), read in 20 ms chunks
        clock.fed(320, now=1003.0 + n * 0.0001)
    assert clock.origin == pytest.approx(1000.0, abs=0.02)  # not 1002.98: when the first came
    clock.fed(320, now=1003.04)  # from here on at the pace it is spoken
    assert clock.origin == pytest.approx(1000.0, abs=0.02)
