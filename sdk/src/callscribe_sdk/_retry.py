"""When to try a request again, and after how long (no I/O: the clients sleep).

Retried: failures to connect (nothing reached the server), 502/503/504 (a proxy or the
server said "try later") for idempotent requests only, and 429 when the server gave
``Retry-After``. Delays grow
exponentially with jitter; a ``Retry-After`` longer than ``max_retry_after`` is not waited
for, the caller gets :class:`RateLimited` at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 2
    backoff: float = 0.5  # first delay in seconds; doubles each attempt
    max_backoff: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, *, status: int | None, retry_after: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up.

        ``status`` is None for a connection failure. ``attempt`` counts from 0.
        """
        if attempt >= self.max_retries:
            return None
        if status == 429:
            if retry_after is None or retry_after > self.max_retry_after:
                return None
            return max(0.0, retry_after)
        if status is not None and status not in RETRY_STATUSES:
            return None
        if retry_after is not None and retry_after <= self.max_retry_after:
            return max(0.0, retry_after)
        base = min(self.max_backoff, self.backoff * 2**attempt)
        jitter: float = 0.75 + random.random() / 2
        return float(base) * jitter


def parse_retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None
