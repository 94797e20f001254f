"""How busy this machine's CPUs are, so that interims use only the CPU that finals leave spare.

Read from ``/proc/stat`` (all CPUs, every process: the benchmark's clients and other servers
count too, as they take CPU from finals just the same). Elsewhere no reading is available and
interims keep their fixed share.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

BUSY_FROM = 0.70
"""Below this share of all CPUs busy, interims get their whole share."""
BUSY_TO = 0.95
"""At and above this, interims get ``FLOOR`` of their share."""
FLOOR = 0.2


def _times(path: Path) -> tuple[float, float] | None:
    """(idle, total) jiffies of all CPUs, or None when ``path`` cannot be read."""
    try:
        with path.open() as f:
            first = f.readline().split()
    except OSError:
        return None
    if not first or first[0] != "cpu" or len(first) < 6:
        return None
    values = [float(v) for v in first[1:9]]
    return values[3] + values[4], sum(values)  # idle + iowait


class CpuLoad:
    """The share of all CPUs busy over the last ``interval`` seconds or more, smoothed.

    Cheap enough to call before every job: the file is read at most once per ``interval``.
    """

    def __init__(
        self,
        path: Path = Path("/proc/stat"),
        *,
        interval: float = 0.5,
        smoothing: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._path, self._interval, self._smoothing, self._clock = path, interval, smoothing, clock
        self._last = _times(path)
        self._at = clock()
        self._busy: float | None = None

    @property
    def readable(self) -> bool:
        """Whether this machine gives a reading at all."""
        return self._last is not None

    def busy(self) -> float | None:
        """0..1, or None while unknown (no ``/proc/stat``, or no interval passed yet)."""
        now = self._clock()
        if self._last is None or now - self._at < self._interval:
            return self._busy
        current = _times(self._path)
        if current is None:
            return self._busy
        idle, total = current[0] - self._last[0], current[1] - self._last[1]
        self._last, self._at = current, now
        if total <= 0:
            return self._busy
        sample = min(1.0, max(0.0, 1.0 - idle / total))
        previous = sample if self._busy is None else self._busy
        self._busy = previous + self._smoothing * (sample - previous)
        return self._busy


def interim_share(most: float, busy: float | None) -> float:
    """The share of a worker's time interims may use when ``busy`` of the CPUs are in use:
    ``most`` with CPU to spare, down to ``FLOOR * most`` when the machine is full."""
    if busy is None or busy <= BUSY_FROM:
        return most
    fullness = min(1.0, (busy - BUSY_FROM) / (BUSY_TO - BUSY_FROM))
    return most * (1.0 - (1.0 - FLOOR) * fullness)


def describe(most: float, readable: bool) -> str:
    """The rule in words, for ``config show`` and the start-up log."""
    if not readable:
        return f"{most:.0%} of a worker's time (no CPU load reading on this machine)"
    return (
        f"{most:.0%} of a worker's time with CPU to spare, down to {most * FLOOR:.0%} as this "
        f"machine's CPUs go from {BUSY_FROM:.0%} to {BUSY_TO:.0%} busy"
    )


__all__ = ["BUSY_FROM", "BUSY_TO", "FLOOR", "CpuLoad", "describe", "interim_share"]
