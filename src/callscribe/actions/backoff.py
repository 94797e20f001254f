"""When to try a failed delivery again: exponential back-off, capped, jittered, with a bounded
count. The jitter spreads the retries of deliveries that failed together (a receiver that was
down for everyone), so they do not all come back at the same instant."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` in all; the n-th retry waits ``first_delay * factor**(n-1)`` up to a cap,
    less a random share of up to ``jitter`` of it."""

    attempts: int = 6
    first_delay: float = 5.0
    max_delay: float = 600.0
    factor: float = 3.0
    jitter: float = 0.25
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.first_delay < 0 or self.max_delay < self.first_delay:
            raise ValueError("delays must satisfy 0 <= first_delay <= max_delay")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be at least 0 and less than 1")

    def delay_after(self, attempts_made: int) -> float | None:
        """Seconds to wait after ``attempts_made`` failures; ``None`` when none are left."""
        if attempts_made >= self.attempts:
            return None
        delay = min(self.max_delay, self.first_delay * self.factor ** (attempts_made - 1))
        return float(delay * (1 - self.jitter * self.rng.random()))


__all__ = ["RetryPolicy"]
