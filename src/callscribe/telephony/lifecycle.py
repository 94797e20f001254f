"""A call's life as a state table (sans-I/O): states, events, and the one reason it ended.

Rules
-----
1. A call moves ``dialling -> ringing -> answered -> keying_dtmf -> listening -> ended``;
   ``ringing`` may be skipped (a peer that answers at once), and ``keying_dtmf`` is skipped
   when there are no digits to key.
2. Every state except ``ended`` can end the call. The first event that ends it fixes the
   end reason; nothing afterwards changes it (a BYE racing our own hang-up stays ``stopped``).
3. Failures before the answer are classified by SIP status: 486/600 busy, 603 declined,
   401/403/407 authentication failed, 408/480/487 no answer, anything else (404, 5xx, a
   transport error with no status) unreachable. After the answer the far end can only hang
   up (``remote_hangup``).
4. Timeouts belong to phases: ``no_answer`` once it rang but nobody answered, ``unreachable``
   when nothing at all came back before the answer timeout, ``media_lost`` once answered
   (no RTP at first, or RTP that stops), ``silence_timeout`` while media flows without speech,
   ``max_duration`` at any time.
5. An event with no row for the current state is stale network noise (a late 180 after the
   200, a second BYE) and is ignored: :meth:`CallMachine.handle` returns ``None``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class CallState(enum.StrEnum):
    DIALLING = "dialling"
    RINGING = "ringing"
    ANSWERED = "answered"
    KEYING_DTMF = "keying_dtmf"
    LISTENING = "listening"
    ENDED = "ended"


class EndReason(enum.StrEnum):
    STOPPED = "stopped"
    REMOTE_HANGUP = "remote_hangup"
    BUSY = "busy"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"
    AUTH_FAILED = "auth_failed"
    UNREACHABLE = "unreachable"
    MEDIA_LOST = "media_lost"
    SILENCE_TIMEOUT = "silence_timeout"
    MAX_DURATION = "max_duration"
    ERROR = "error"
    SERVER_RESTART = "server_restart"
    NODE_LOST = "node_lost"
    """The server process holding the call died; another node finished its conversation."""
    SERVER_STOPPED = "server_stopped"
    """The server holding the call was stopped cleanly: it hung up and completed the call."""


class CallEvent(enum.StrEnum):
    RING = "ring"
    ANSWER = "answer"
    MEDIA = "media"
    KEYS_DONE = "keys_done"
    FAIL = "fail"
    REMOTE_BYE = "remote_bye"
    STOP = "stop"
    DRAIN = "drain"
    ANSWER_TIMEOUT = "answer_timeout"
    MEDIA_TIMEOUT = "media_timeout"
    SILENCE_TIMEOUT = "silence_timeout"
    MAX_DURATION = "max_duration"
    ERROR = "error"


S, E, R = CallState, CallEvent, EndReason
_LIVE = (S.DIALLING, S.RINGING, S.ANSWERED, S.KEYING_DTMF, S.LISTENING)
_BEFORE_ANSWER = (S.DIALLING, S.RINGING)
_AFTER_ANSWER = (S.ANSWERED, S.KEYING_DTMF, S.LISTENING)

#: (state, event) -> next state, for the events that move a call forward.
PROGRESS: dict[tuple[CallState, CallEvent], CallState] = {
    (S.DIALLING, E.RING): S.RINGING,
    (S.DIALLING, E.ANSWER): S.ANSWERED,
    (S.RINGING, E.ANSWER): S.ANSWERED,
    (S.ANSWERED, E.MEDIA): S.KEYING_DTMF,
    (S.KEYING_DTMF, E.KEYS_DONE): S.LISTENING,
}

#: (state, event) -> end reason, for the events that end a call; FAIL is refined by status.
ENDINGS: dict[tuple[CallState, CallEvent], EndReason] = {
    **{(s, E.STOP): R.STOPPED for s in _LIVE},
    **{(s, E.DRAIN): R.SERVER_STOPPED for s in _LIVE},
    **{(s, E.MAX_DURATION): R.MAX_DURATION for s in _LIVE},
    **{(s, E.ERROR): R.ERROR for s in _LIVE},
    **{(s, E.FAIL): R.UNREACHABLE for s in _BEFORE_ANSWER},
    (S.DIALLING, E.ANSWER_TIMEOUT): R.UNREACHABLE,
    (S.RINGING, E.ANSWER_TIMEOUT): R.NO_ANSWER,
    **{(s, E.REMOTE_BYE): R.REMOTE_HANGUP for s in _AFTER_ANSWER},
    **{(s, E.MEDIA_TIMEOUT): R.MEDIA_LOST for s in _AFTER_ANSWER},
    (S.KEYING_DTMF, E.SILENCE_TIMEOUT): R.SILENCE_TIMEOUT,
    (S.LISTENING, E.SILENCE_TIMEOUT): R.SILENCE_TIMEOUT,
}

_STATUS_REASONS: dict[int, EndReason] = {
    486: R.BUSY,
    600: R.BUSY,
    603: R.DECLINED,
    401: R.AUTH_FAILED,
    403: R.AUTH_FAILED,
    407: R.AUTH_FAILED,
    408: R.NO_ANSWER,
    480: R.NO_ANSWER,
    487: R.NO_ANSWER,
}


def reason_for_status(status: int | None) -> EndReason:
    """The end reason of a call refused with this SIP status (``None``: no response)."""
    return _STATUS_REASONS.get(status or 0, R.UNREACHABLE)


@dataclass(frozen=True)
class Transition:
    """What one event did: the new state, and the end reason and SIP status when it ended."""

    state: CallState
    previous: CallState
    event: CallEvent
    reason: EndReason | None = None
    sip_status: int | None = None
    detail: str = ""


class CallMachine:
    """Applies events to one call; holds no clock and does no I/O."""

    def __init__(self, *, has_dtmf: bool) -> None:
        self._has_dtmf = has_dtmf
        self.state = CallState.DIALLING
        self.reason: EndReason | None = None
        self.sip_status: int | None = None

    @property
    def ended(self) -> bool:
        return self.state is CallState.ENDED

    def handle(
        self, event: CallEvent, *, sip_status: int | None = None, detail: str = ""
    ) -> Transition | None:
        """Apply ``event``; returns the transition, or ``None`` if it does not apply (rule 5)."""
        key = (self.state, event)
        previous = self.state
        if key in PROGRESS:
            target = PROGRESS[key]
            if target is CallState.KEYING_DTMF and not self._has_dtmf:
                target = CallState.LISTENING
            self.state = target
            if sip_status is not None:
                self.sip_status = sip_status
            return Transition(target, previous, event, sip_status=sip_status, detail=detail)
        if key in ENDINGS:
            reason = ENDINGS[key]
            if event is CallEvent.FAIL:
                reason = reason_for_status(sip_status)
            self.state, self.reason = CallState.ENDED, reason
            if sip_status is not None:
                self.sip_status = sip_status
            return Transition(
                CallState.ENDED, previous, event, reason, self.sip_status, detail=detail
            )
        return None


__all__ = [
    "ENDINGS",
    "PROGRESS",
    "CallEvent",
    "CallMachine",
    "CallState",
    "EndReason",
    "Transition",
    "reason_for_status",
]
