"""CallController + baresip against independent stacks: a PJSIP fake Zoom bridge, Debian baresip."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from callscribe.telephony import EndReason, SipTarget, TelephonyConfig, zoom_dtmf
from callscribe.telephony.baresip_backend import BaresipBackend
from peers.bridge_peer import pjsua2_bridge
from peers.debian_baresip import debian_baresip

from .test_bridge_e2e import dial

pytestmark = pytest.mark.slow


async def test_dials_keys_zoom_digits_and_receives_the_meeting(
    baresip_backend: BaresipBackend,
) -> None:
    with pjsua2_bridge("--meeting-id", "85012345678", "--passcode", "123456") as peer:
        dtmf = zoom_dtmf("85012345678", "123456")
        result, sink = await dial(baresip_backend, SipTarget(peer.uri()), dtmf, 14)
        answers = peer.named("answer")
        digits = peer.named("digit")
        started = peer.named("meeting_started")
    assert result.reason is EndReason.STOPPED
    assert [(a["field"], a["value"], a["accepted"]) for a in answers] == [
        ("meeting_id", "85012345678", True),
        ("participant_id", "", True),
        ("passcode", "123456", True),
    ]
    assert {d["method"] for d in digits} == {"rfc4733"}
    keys = "".join(d["digit"] for d in digits)
    assert keys == "85012345678##123456#"
    gaps = [b["t"] - a["t"] for a, b in itertools.pairwise(digits)]
    # ",," (1 s) after "...678#" and after the lone "#"; digits within a group ~0.22 s apart
    # (100 ms tone + 120 ms gap); RFC 4733 packetisation blurs each by a few 20 ms packets.
    pauses = [gaps[11], gaps[12]]
    assert all(p >= 0.8 for p in pauses), pauses
    assert max(g for i, g in enumerate(gaps) if i not in (11, 12)) < 0.75, gaps
    assert started
    assert sink.formats == {(16000, 1)}  # G.722: offered first, and PJSIP has it
    assert sink.bytes > 12 * 16000 * 2 * 0.9  # ~12 s of audio after the answer
    assert sink.loud_seconds > 5  # prompts and the meeting, not silence


async def test_sip_info_digits_and_remote_hangup(baresip_backend: BaresipBackend) -> None:
    config = TelephonyConfig(answer_timeout=5, media_timeout=3, dtmf_mode="info")
    with pjsua2_bridge("--passcode", "", "--hangup-after", "8") as peer:
        dtmf = zoom_dtmf("85012345678")
        result, _sink = await dial(baresip_backend, SipTarget(peer.uri()), dtmf, 20, config)
        digits = peer.named("digit")
        started = peer.named("meeting_started")
    assert {d["method"] for d in digits} == {"info"}
    assert "".join(d["digit"] for d in digits) == "85012345678##"
    assert started
    assert result.reason is EndReason.REMOTE_HANGUP
    assert 7 < result.duration < 12


async def test_opus_from_an_independent_stack_arrives_48khz_stereo(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with debian_baresip(tmp_path) as peer:
        result, sink = await dial(baresip_backend, SipTarget(peer.uri), "", 4)
        log = peer.log.read_text(errors="replace")
    assert result.reason is EndReason.STOPPED
    assert "Set audio decoder: opus 48000Hz 2ch" in log
    assert sink.formats == {(48000, 2)}
    assert sink.bytes > 3 * 48000 * 4
    assert sink.loud_seconds > 1.5
