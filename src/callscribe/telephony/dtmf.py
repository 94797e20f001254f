"""DTMF sequences: parse a dial string into key presses and pauses (sans-I/O).

Grammar, one character per step: keys ``0-9 * # A-D`` (``a-d`` accepted, sent upper-case);
``,`` and ``w`` pause 500 ms, ``W`` pauses 1 s (the conventions of Zoom one-tap strings,
Asterisk and most carriers). Spaces, dashes and dots are not allowed: a dial string that
contains them is more likely a mistake than a formatting choice, and guessing sends the wrong
digits into somebody's meeting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from callscribe.errors import ValidationFailed

KEYS = frozenset("0123456789*#ABCD")
PAUSES_MS = {",": 500, "w": 500, "W": 1000}
MAX_LENGTH = 256


@dataclass(frozen=True)
class Keys:
    """Press these keys one after another (consecutive keys are grouped)."""

    digits: str


@dataclass(frozen=True)
class Pause:
    """Wait before the next key."""

    ms: int


Step = Keys | Pause


@dataclass(frozen=True)
class DtmfSequence:
    """A validated dial string and the steps it means."""

    text: str
    steps: tuple[Step, ...]

    @classmethod
    def parse(cls, text: str, *, field: str = "dtmf") -> DtmfSequence:
        """Parse ``text``; an invalid character raises naming it and its 1-based position."""
        if len(text) > MAX_LENGTH:
            raise ValidationFailed(f"{field}: longer than {MAX_LENGTH} characters ({len(text)})")
        steps: list[Step] = []
        for position, char in enumerate(text, start=1):
            if char in PAUSES_MS:
                ms = PAUSES_MS[char]
                if steps and isinstance(steps[-1], Pause):
                    steps[-1] = Pause(steps[-1].ms + ms)
                else:
                    steps.append(Pause(ms))
                continue
            key = char.upper() if char in "abcd" else char
            if key not in KEYS:
                raise ValidationFailed(
                    f"{field}: invalid character {char!r} at position {position}; "
                    "allowed are 0-9 * # A-D and the pauses , w W"
                )
            if steps and isinstance(steps[-1], Keys):
                steps[-1] = Keys(steps[-1].digits + key)
            else:
                steps.append(Keys(key))
        return cls(text=text, steps=tuple(steps))

    @property
    def digits(self) -> str:
        """Every key, in order, without the pauses."""
        return "".join(s.digits for s in self.steps if isinstance(s, Keys))

    @property
    def pause_ms(self) -> int:
        return sum(s.ms for s in self.steps if isinstance(s, Pause))

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __bool__(self) -> bool:
        return bool(self.steps)


EMPTY = DtmfSequence(text="", steps=())

__all__ = ["EMPTY", "KEYS", "PAUSES_MS", "DtmfSequence", "Keys", "Pause", "Step"]
