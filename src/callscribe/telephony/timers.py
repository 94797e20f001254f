"""The deadlines that end a call, computed from ``now`` values (sans-I/O).

The controller reports what happened and when (answer, audio, speech); ``due`` says which
timeout, if any, has expired for the current state, and ``next_check`` when to look again.
Silence is measured from the later of "media started" and "speech last heard": hold music
keeps RTP flowing (so it is not ``media_lost``) but is not speech (so it is silence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from callscribe.telephony.config import TelephonyConfig
from callscribe.telephony.lifecycle import CallEvent, CallState

_MAX_WAIT = 0.25  # never sleep longer than this: speech/stop updates shift the deadlines


@dataclass
class Deadlines:
    config: TelephonyConfig
    started: float
    answered: float | None = None
    media: float | None = None
    last_audio: float | None = None
    last_speech: float | None = None
    _order: tuple[CallEvent, ...] = field(
        default=(
            CallEvent.MAX_DURATION,
            CallEvent.ANSWER_TIMEOUT,
            CallEvent.MEDIA_TIMEOUT,
            CallEvent.SILENCE_TIMEOUT,
        ),
        repr=False,
    )

    def on_answer(self, now: float) -> None:
        self.answered = now

    def on_audio(self, now: float) -> None:
        if self.media is None:
            self.media = now
        self.last_audio = now

    def on_speech(self, now: float) -> None:
        self.last_speech = now

    def deadline(self, event: CallEvent, state: CallState) -> float | None:
        """When ``event`` fires in ``state`` (``None``: it cannot fire there)."""
        cfg = self.config
        if event is CallEvent.MAX_DURATION:
            return None if cfg.max_call_seconds is None else self.started + cfg.max_call_seconds
        if event is CallEvent.ANSWER_TIMEOUT:
            if state in (CallState.DIALLING, CallState.RINGING):
                return self.started + cfg.answer_timeout
            return None
        if state not in (CallState.ANSWERED, CallState.KEYING_DTMF, CallState.LISTENING):
            return None
        if event is CallEvent.MEDIA_TIMEOUT:
            since = self.last_audio if self.last_audio is not None else self.answered
            return None if since is None else since + cfg.media_timeout
        if event is CallEvent.SILENCE_TIMEOUT and self.media is not None:
            since = max(self.media, self.last_speech or self.media)
            return since + cfg.silence_timeout
        return None

    def due(self, now: float, state: CallState) -> CallEvent | None:
        """The first expired timeout for ``state`` at ``now``, if any."""
        for event in self._order:
            at = self.deadline(event, state)
            if at is not None and now >= at:
                return event
        return None

    def next_check(self, now: float, state: CallState) -> float:
        """Seconds to wait before calling ``due`` again."""
        pending = [d for e in self._order if (d := self.deadline(e, state)) is not None]
        if not pending:
            return _MAX_WAIT
        return max(0.0, min(_MAX_WAIT, min(pending) - now))


__all__ = ["Deadlines"]
