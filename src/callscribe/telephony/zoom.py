"""Zoom dial-in helpers: the DTMF string for phone dial-in and the room-connector SIP URI.

Zoom's phone IVR asks for the meeting ID then ``#``, the participant ID then ``#`` (or just
``#``), then the passcode then ``#``. Two pauses (1 s) between answers leave time for each
prompt to start, as Zoom's own one-tap links do.
"""

from __future__ import annotations

from callscribe.errors import ValidationFailed
from callscribe.telephony.dtmf import DtmfSequence

ROOM_CONNECTOR_DOMAIN = "zoomcrc.com"


def _digits(value: str, field: str, lo: int, hi: int) -> str:
    clean = value.replace(" ", "").replace("-", "")
    for position, char in enumerate(clean, start=1):
        if not char.isascii() or not char.isdigit():
            raise ValidationFailed(
                f"{field}: must be digits only; {char!r} at position {position} is not"
            )
    if not lo <= len(clean) <= hi:
        raise ValidationFailed(f"{field}: must have {lo}-{hi} digits, got {len(clean)}")
    return clean


def zoom_dtmf(
    meeting_id: str, passcode: str | None = None, participant_id: str | None = None
) -> str:
    """``MEETING#,,#,,PASSCODE#`` (``,,PARTICIPANT#`` when a participant id is given)."""
    meeting = _digits(meeting_id, "meetingId", 9, 11)
    text = f"{meeting}#,,"
    text += f"{_digits(participant_id, 'participantId', 1, 20)}#" if participant_id else "#"
    if passcode:
        text += f",,{_digits(passcode, 'passcode', 1, 10)}#"
    DtmfSequence.parse(text)
    return text


def zoom_sip_uri(meeting_id: str, passcode: str | None = None) -> str:
    """``sip:MEETING.PASSCODE@zoomcrc.com`` (Zoom's Conference Room Connector)."""
    meeting = _digits(meeting_id, "meetingId", 9, 11)
    user = f"{meeting}.{_digits(passcode, 'passcode', 1, 10)}" if passcode else meeting
    return f"sip:{user}@{ROOM_CONNECTOR_DOMAIN}"


__all__ = ["ROOM_CONNECTOR_DOMAIN", "zoom_dtmf", "zoom_sip_uri"]
