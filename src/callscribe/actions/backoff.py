"""When to try a failed delivery again: exponential back-off, capped, with a bounded count."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` in all; the n-th retry waits ``first_delay * factor**(n-1)`` up to a cap."""

    attempts: int = 6
    first_delay: float = 5.0
    max_delay: float = 600.0
    factor: float = 3.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.first_delay < 0 or self.max_delay < self.first_delay:
            raise ValueError("delays must satisfy 0 <= first_delay <= max_delay")

    def delay_after(self, attempts_made: int) -> float | None:
        """Seconds to wait after ``attempts_made`` failures; ``None`` when none are left."""
        if attempts_made >= self.attempts:
            return None
        return float(min(self.max_delay, self.first_delay * self.factor ** (attempts_made - 1)))


__all__ = ["RetryPolicy"]
