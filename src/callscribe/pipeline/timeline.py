"""Who is speaking when, on the stream's audio clock, from speaker events.

A speaker event says that someone started (or stopped) speaking at a moment; the session
places that moment on the stream's timeline (stream seconds) before it gets here. Events can
arrive out of order — a feed that lags sends timestamps older than the last one — so changes
are kept sorted by their moment, not by their arrival.

Rules:

* the speaker at ``t`` is the one named by the last change at or before ``t``; before any
  change, and after a change to nobody, it is the session's default speaker (the streaming
  client's own ``speaker``, or unknown);
* ``stopped_speaking`` for a person ends their span only if they are the one speaking at that
  moment (a late "A stopped" must not erase "B started" that came before it);
* equal moments keep their arrival order.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from callscribe.records import Speaker


def same_speaker(a: Speaker | None, b: Speaker | None) -> bool:
    """One person, however the events named them (userId first, else the name)."""
    if a is None or b is None:
        return a is b
    return a.key == b.key


@dataclass(frozen=True, slots=True)
class SpeakerChange:
    """From ``at`` (stream seconds) on, ``speaker`` speaks (None: nobody in particular);
    ``by_voice``: found by speaker separation, not announced by a speaker event."""

    at: float
    speaker: Speaker | None
    by_voice: bool = False


class SpeakerTimeline:
    """Speaker changes sorted by their moment on the stream."""

    def __init__(self, default: Speaker | None = None) -> None:
        self.default = default
        self._times: list[float] = []
        self._changes: list[SpeakerChange] = []

    def start(self, at: float, speaker: Speaker, *, by_voice: bool = False) -> None:
        """``speaker`` started speaking at ``at`` (``by_voice``: as speaker separation found)."""
        self._insert(SpeakerChange(at, speaker, by_voice))

    def stop(self, at: float, speaker: Speaker | None) -> None:
        """``speaker`` stopped speaking at ``at`` (None: whoever was speaking)."""
        current = self._announced(at)
        if speaker is None or (current is not None and same_speaker(current, speaker)):
            self._insert(SpeakerChange(at, None))

    def speaker_at(self, t: float) -> Speaker | None:
        """Who speaks at stream second ``t``."""
        return self._announced(t) or self.default

    def change_at(self, t: float) -> SpeakerChange | None:
        """The change in effect at ``t`` (None: none yet)."""
        i = bisect.bisect_right(self._times, t) - 1
        return self._changes[i] if i >= 0 else None

    def announced_at(self, t: float) -> SpeakerChange | None:
        """The last change a speaker event announced at or before ``t`` (voices skipped)."""
        i = bisect.bisect_right(self._times, t) - 1
        while i >= 0 and self._changes[i].by_voice:
            i -= 1
        return self._changes[i] if i >= 0 else None

    def changes(self, after: float, until: float) -> list[SpeakerChange]:
        """Changes with ``after < at <= until``, in order."""
        lo = bisect.bisect_right(self._times, after)
        hi = bisect.bisect_right(self._times, until)
        return self._changes[lo:hi]

    def speakers(self) -> tuple[Speaker, ...]:
        """Everyone named so far, once each, in order of first appearance."""
        seen: dict[str, Speaker] = {}
        for change in self._changes:
            if change.speaker is not None:
                seen.setdefault(change.speaker.key, change.speaker)
        if self.default is not None:
            seen.setdefault(self.default.key, self.default)
        return tuple(seen.values())

    def forget_before(self, t: float) -> None:
        """Drop changes no longer needed for speech after ``t`` (keeps the one in effect, and
        the last one an event announced)."""
        keep = max(0, bisect.bisect_right(self._times, t) - 1)
        while keep > 0 and self._changes[keep].by_voice:
            keep -= 1
        if keep:
            del self._times[:keep]
            del self._changes[:keep]

    def __len__(self) -> int:
        return len(self._changes)

    def _announced(self, t: float) -> Speaker | None:
        i = bisect.bisect_right(self._times, t) - 1
        return None if i < 0 else self._changes[i].speaker

    def _insert(self, change: SpeakerChange) -> None:
        i = bisect.bisect_right(self._times, change.at)
        self._times.insert(i, change.at)
        self._changes.insert(i, change)


__all__ = ["SpeakerChange", "SpeakerTimeline", "same_speaker"]
