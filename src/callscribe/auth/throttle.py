"""Limits on ``token:generate``: failed logins per app and per client address, and how many
secrets are checked per second at all.

Each check is an scrypt hash, deliberately expensive; unbounded, the token route is a way to
take the CPU that live calls need, and unlimited failures let a secret be guessed at leisure.
A limit reached answers 429 with ``Retry-After``; once the app is locked, the right secret waits
too (an attacker must not learn it was right). Counts live in this process: behind several
nodes each node counts its own.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from callscribe.errors import LimitExceeded

Clock = Callable[[], float]


class FailureWindow:
    """Failures per key within the last ``period`` seconds; at most ``max_keys`` keys kept
    (the least recently failed are forgotten first)."""

    def __init__(
        self, limit: int, period: float, clock: Clock = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._max_keys = max_keys
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        times = self._recent(key)
        if len(times) < self.limit:
            return 0.0
        return max(0.0, times[0] + self.period - self._clock())

    def add(self, key: str) -> None:
        times = self._recent(key)
        times.append(self._clock())
        self._seen[key] = times
        self._seen.move_to_end(key)
        while len(self._seen) > self._max_keys:
            self._seen.popitem(last=False)

    def _recent(self, key: str) -> deque[float]:
        times = self._seen.get(key, deque())
        horizon = self._clock() - self.period
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            self._seen.pop(key, None)
        return times


class Rate:
    """A token bucket: ``per_second`` on average, bursts of ``burst``."""

    def __init__(self, per_second: float, burst: int, clock: Clock = time.monotonic) -> None:
        self.per_second = per_second
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()

    def take(self) -> float:
        """Take one; 0 when granted, else the seconds until one is free (nothing taken)."""
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.per_second)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.per_second


class LoginThrottle:
    """``check`` before a secret is verified, ``failed`` after a wrong one."""

    def __init__(
        self,
        failures_per_minute: int,
        checks_per_second: float,
        clock: Clock = time.monotonic,
    ) -> None:
        self._apps = FailureWindow(failures_per_minute, 60.0, clock)
        self._clients = FailureWindow(failures_per_minute, 60.0, clock)
        self._checks = Rate(checks_per_second, max(1, math.ceil(checks_per_second * 2)), clock)

    def check(self, app_id: str, client: str) -> None:
        """Raise ``LimitExceeded`` (429, with the seconds to wait) when this attempt must wait."""
        for window, key, what in (
            (self._clients, client, f"client {client}"),
            (self._apps, app_id, "this appId"),
        ):
            wait = window.wait(key)
            if wait > 0:
                raise LimitExceeded(
                    f"too many failed token requests from {what} "
                    f"({window.limit} a minute); try again in {math.ceil(wait)} s",
                    retry_after=wait,
                )
        wait = self._checks.take()
        if wait > 0:
            raise LimitExceeded(
                "too many token requests at once; try again shortly", retry_after=wait
            )

    def failed(self, app_id: str, client: str) -> None:
        self._apps.add(app_id)
        self._clients.add(client)


__all__ = ["FailureWindow", "LoginThrottle", "Rate"]
