"""Login limits on a clock we move by hand."""

from __future__ import annotations

import pytest

from callscribe.auth.throttle import FailureWindow, LoginThrottle, Rate
from callscribe.errors import LimitExceeded


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_lock_a_key_until_the_oldest_leaves_the_window() -> None:
    clock = Clock()
    window = FailureWindow(3, 60.0, clock)
    for _ in range(3):
        assert window.wait("a") == 0.0
        window.add("a")
        clock.now += 10
    assert window.wait("a") == pytest.approx(30.0)  # the first failure is 30 s from expiring
    assert window.wait("b") == 0.0
    clock.now += 30
    assert window.wait("a") == 0.0


def test_forgets_the_least_recent_keys_beyond_its_bound() -> None:
    window = FailureWindow(1, 60.0, Clock(), max_keys=2)
    for key in ("a", "b", "c"):
        window.add(key)
    assert window.wait("a") == 0.0
    assert window.wait("b") > 0
    assert window.wait("c") > 0


def test_rate_grants_a_burst_then_its_average() -> None:
    clock = Clock()
    rate = Rate(2.0, 4, clock)
    assert [rate.take() for _ in range(4)] == [0.0] * 4
    assert rate.take() == pytest.approx(0.5)
    clock.now += 0.5
    assert rate.take() == 0.0
    assert rate.take() > 0


def test_a_locked_app_waits_even_with_the_right_secret_and_others_do_not() -> None:
    clock = Clock()
    throttle = LoginThrottle(2, 100.0, clock)
    for client in ("10.0.0.1", "10.0.0.2"):
        throttle.check("app", client)
        throttle.failed("app", client)
    with pytest.raises(LimitExceeded) as locked:
        throttle.check("app", "10.0.0.3")  # a third address: the app has had its two
    assert "appId" in locked.value.message
    assert locked.value.retry_after == pytest.approx(60.0)
    throttle.check("other-app", "10.0.0.3")
    throttle.failed("other-app", "10.0.0.1")
    with pytest.raises(LimitExceeded) as client:
        throttle.check("third-app", "10.0.0.1")  # this address has failed twice
    assert "10.0.0.1" in client.value.message
    clock.now += 61
    throttle.check("app", "10.0.0.1")


def test_checks_per_second_bound_the_hashing() -> None:
    clock = Clock()
    throttle = LoginThrottle(100, 1.0, clock)  # bursts of 2
    throttle.check("app", "a")
    throttle.check("app", "b")
    with pytest.raises(LimitExceeded) as busy:
        throttle.check("app", "c")
    assert busy.value.retry_after == pytest.approx(1.0)
    clock.now += 1.0
    throttle.check("app", "c")
