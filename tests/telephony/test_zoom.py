"""Zoom dial-in strings and room-connector URIs."""

from __future__ import annotations

import pytest

from callscribe.errors import ValidationFailed
from callscribe.telephony.dtmf import DtmfSequence
from callscribe.telephony.zoom import zoom_dtmf, zoom_sip_uri


def test_meeting_and_passcode() -> None:
    assert zoom_dtmf("850 1234 5678", "123456") == "85012345678#,,#,,123456#"


def test_participant_id_replaces_the_bare_pound() -> None:
    assert zoom_dtmf("85012345678", "42", participant_id="991") == "85012345678#,,991#,,42#"


def test_without_passcode() -> None:
    assert zoom_dtmf("123456789") == "123456789#,,#"
    assert DtmfSequence.parse(zoom_dtmf("123456789")).digits == "123456789##"


def test_passcode_must_be_digits() -> None:
    with pytest.raises(ValidationFailed, match=r"passcode: must be digits only; 'a' at position 3"):
        zoom_dtmf("85012345678", "12a4")


def test_meeting_id_length() -> None:
    with pytest.raises(ValidationFailed, match="meetingId: must have 9-11 digits, got 5"):
        zoom_dtmf("12345")


def test_room_connector_uri() -> None:
    assert zoom_sip_uri("85012345678", "123456") == "sip:85012345678.123456@zoomcrc.com"
    assert zoom_sip_uri("85012345678") == "sip:85012345678@zoomcrc.com"
