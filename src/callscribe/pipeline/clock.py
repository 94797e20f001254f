"""The stream's audio clock: where a wall-clock moment falls in a connection's audio.

Stream time is seconds of audio received (16 kHz samples fed / 16000). A speaker event's
``timestamp`` is a wall-clock moment; it is placed at ``timestamp - origin``, where ``origin``
is the wall-clock time of the stream's first sample. Each arrival of audio says the stream
began no later than ``now - seconds received``; the earliest such bound is the origin, so audio
that waited in a buffer (a recogniser still loading, a jitter buffer filling) does not move
the start later. An event without a timestamp is placed at its arrival: the audio received so
far.

A timestamp from a clock that is far off would place an event in audio that has not arrived;
one more than ``max_ahead`` seconds ahead of the audio is placed at its arrival instead.
Sans-I/O: the caller passes ``now`` (seconds since the epoch).
"""

from __future__ import annotations

from dataclasses import dataclass

from callscribe.audio.pcm import TARGET_RATE


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an event goes: ``at`` stream seconds; ``by_timestamp`` False when it was placed
    at its arrival (no timestamp, no audio yet, or a timestamp too far ahead)."""

    at: float
    by_timestamp: bool


class StreamClock:
    """Counts the audio of one stream and maps wall-clock moments onto it."""

    def __init__(self, rate: int = TARGET_RATE, max_ahead: float = 2.0) -> None:
        self.rate = rate
        self.max_ahead = max_ahead
        self.origin: float | None = None
        self._samples = 0

    def fed(self, samples: int, now: float) -> None:
        """``samples`` arrived at ``now``."""
        if samples <= 0:
            return
        self._samples += samples
        began = now - self._samples / self.rate
        self.origin = began if self.origin is None else min(self.origin, began)

    @property
    def position(self) -> float:
        """Seconds of audio received so far."""
        return self._samples / self.rate

    def place(self, moment: float | None) -> Placement:
        """Stream seconds of a wall-clock ``moment`` (None: at arrival)."""
        if moment is None or self.origin is None:
            return Placement(self.position, False)
        at = max(0.0, moment - self.origin)
        if at > self.position + self.max_ahead:
            return Placement(self.position, False)
        return Placement(at, True)


__all__ = ["Placement", "StreamClock"]
