"""Where silence goes in for audio the SIP stack lost (the rule behind read_audio's filling;
a real stalled call is in test_bridge_e2e)."""

from __future__ import annotations

from callscribe.telephony.baresip_backend import _Gaps


def test_dropped_audio_goes_after_the_read_that_empties_the_buffer() -> None:
    gaps = _Gaps()
    assert gaps.update(discarded=0, dropped=0, drained=True) == (0, 0)
    # Nobody read: 3,200 newer bytes were dropped; what was buffered comes out over two reads.
    assert gaps.update(discarded=0, dropped=3200, drained=False) == (0, 0)
    assert gaps.update(discarded=0, dropped=3200, drained=True) == (0, 3200)
    assert gaps.update(discarded=0, dropped=3200, drained=True) == (0, 0)  # counted once


def test_audio_skipped_by_the_catch_up_goes_before_what_is_read() -> None:
    gaps = _Gaps()
    assert gaps.update(discarded=640, dropped=0, drained=True) == (640, 0)
    assert gaps.update(discarded=1920, dropped=320, drained=True) == (1280, 320)


def test_counters_that_start_again_put_in_nothing_twice() -> None:
    gaps = _Gaps()
    gaps.update(discarded=640, dropped=960, drained=True)
    # Streams replaced without an AudioRestarted seen: lower counters are no new loss.
    assert gaps.update(discarded=0, dropped=0, drained=True) == (0, 0)
    assert gaps.update(discarded=320, dropped=0, drained=True) == (320, 0)
