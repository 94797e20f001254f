"""Telephony API bodies (``POST /v1/endpoint:connect``) and Zoom's dial-in strings.

Pure functions. The server validates again (a DTMF character it cannot send is a 400 naming
it); checking here too means a typo fails before a phone rings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Json = dict[str, Any]

DTMF_KEYS = frozenset("0123456789*#ABCDabcd,wW")
ZOOM_ROOM_CONNECTOR = "zoomcrc.com"


def check_dtmf(dtmf: str) -> str:
    """``dtmf`` unchanged, or ``ValueError`` naming the first character a phone cannot send."""
    for position, char in enumerate(dtmf, start=1):
        if char not in DTMF_KEYS:
            raise ValueError(
                f"dtmf: {char!r} at position {position} is not a DTMF key "
                "(use 0-9 * # A-D, ',' or 'w' for 0.5 s, 'W' for 1 s)"
            )
    return dtmf


def _digits(value: str, field: str, lo: int, hi: int) -> str:
    clean = value.replace(" ", "").replace("-", "")
    for position, char in enumerate(clean, start=1):
        if not (char.isascii() and char.isdigit()):
            raise ValueError(
                f"{field}: must be digits only; {char!r} at position {position} is not"
            )
    if not lo <= len(clean) <= hi:
        raise ValueError(f"{field}: must have {lo}-{hi} digits, got {len(clean)}")
    return clean


def zoom_dtmf(
    meeting_id: str, passcode: str | None = None, participant_id: str | None = None
) -> str:
    """``MEETING#,,#,,PASSCODE#``; ``,,PARTICIPANT#`` replaces the middle ``#`` when given."""
    text = _digits(meeting_id, "meeting_id", 9, 11) + "#,,"
    text += _digits(participant_id, "participant_id", 1, 20) + "#" if participant_id else "#"
    if passcode:
        text += ",," + _digits(passcode, "passcode", 1, 10) + "#"
    return text


def zoom_sip_uri(meeting_id: str, passcode: str | None = None) -> str:
    """``sip:MEETING.PASSCODE@zoomcrc.com``: Zoom's Conference Room Connector."""
    user = _digits(meeting_id, "meeting_id", 9, 11)
    if passcode:
        user += "." + _digits(passcode, "passcode", 1, 10)
    return f"sip:{user}@{ZOOM_ROOM_CONNECTOR}"


def _common(
    body: Json,
    actions: Sequence[Mapping[str, Any]] | None,
    data: Mapping[str, Any] | None,
    name: str | None,
    summary_emails: Sequence[str] | None,
    options: Mapping[str, Any] | None,
) -> Json:
    all_actions = [dict(a) for a in actions or ()]
    if summary_emails:
        all_actions.append(
            {
                "invokeOn": "stop",
                "name": "sendSummaryEmail",
                "parameters": {"emails": list(summary_emails)},
            }
        )
    if all_actions:
        body["actions"] = all_actions
    payload = dict(data or {})
    if name is not None:
        session = dict(payload.get("session") or {})
        session["name"] = name
        payload["session"] = session
    if payload:
        body["data"] = payload
    for key, value in (options or {}).items():
        if key in body:
            raise ValueError(f"options: {key!r} is set by its own argument")
        body[key] = value
    return body


def pstn_body(
    phone_number: str,
    *,
    dtmf: str | None = None,
    actions: Sequence[Mapping[str, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
    name: str | None = None,
    summary_emails: Sequence[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Json:
    number = phone_number.replace(" ", "").replace("-", "")
    digits = number[1:] if number.startswith("+") else number
    if not digits.isdigit() or not 3 <= len(digits) <= 15:
        raise ValueError(
            f"phone_number: expected an E.164 number such as +16465588656, got {phone_number!r}"
        )
    endpoint: Json = {"type": "pstn", "phoneNumber": number}
    if dtmf:
        endpoint["dtmf"] = check_dtmf(dtmf)
    return _common(
        {"operation": "start", "endpoint": endpoint},
        actions,
        data,
        name,
        summary_emails,
        options,
    )


def sip_body(
    uri: str,
    *,
    dtmf: str | None = None,
    actions: Sequence[Mapping[str, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
    name: str | None = None,
    summary_emails: Sequence[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Json:
    if "@" not in uri:
        raise ValueError(f"uri: expected a SIP URI such as sip:user@host, got {uri!r}")
    target = uri if uri.startswith(("sip:", "sips:")) else f"sip:{uri}"
    endpoint: Json = {"type": "sip", "uri": target}
    if dtmf:
        endpoint["dtmf"] = check_dtmf(dtmf)
    return _common(
        {"operation": "start", "endpoint": endpoint},
        actions,
        data,
        name,
        summary_emails,
        options,
    )


def stop_body(connection_id: str) -> Json:
    return {"operation": "stop", "connectionId": connection_id}


def speaker_event(
    kind: str, *, user_id: str | None, name: str | None, email: str | None, timestamp: str | None
) -> Json:
    """A ``started_speaking``/``stopped_speaking`` event for ``eventUrl``."""
    user = {k: v for k, v in (("userId", user_id), ("name", name), ("email", email)) if v}
    if not user:
        raise ValueError(f"{kind}: give user_id, name or email")
    body: Json = {"type": kind, "user": user}
    if timestamp is not None:
        body["timestamp"] = timestamp
    return body
