"""The bridge simulator (its own process) dialled by CallController over baresip."""

from __future__ import annotations

import asyncio
import time

import pytest

from callscribe.telephony import (
    CallController,
    CallResult,
    EndReason,
    PstnTarget,
    SipTarget,
    TelephonyConfig,
    TrunkConfig,
    zoom_dtmf,
)
from callscribe.telephony.baresip_backend import BaresipBackend
from peers.bridge_peer import bridge

pytestmark = pytest.mark.slow

CONFIG = TelephonyConfig(answer_timeout=5, media_timeout=3, silence_timeout=60)


class Energy:
    """Counts audio and how much of it is louder than silence (20 ms frames)."""

    def __init__(self) -> None:
        self.bytes = 0
        self.loud_seconds = 0.0
        self.formats: set[tuple[int, int]] = set()

    def __call__(self, pcm: bytes, rate: int, channels: int) -> None:
        self.bytes += len(pcm)
        self.formats.add((rate, channels))
        samples = memoryview(pcm).cast("h")
        step = rate * channels // 50
        for i in range(0, len(samples) - step + 1, step):
            frame = samples[i : i + step]
            if sum(abs(s) for s in frame) / step > 300:
                self.loud_seconds += 0.02


async def dial(
    backend: BaresipBackend,
    target: SipTarget | PstnTarget,
    dtmf: str,
    seconds: float,
    config: TelephonyConfig = CONFIG,
) -> tuple[CallResult, Energy]:
    sink = Energy()
    ctl = CallController(backend, target, config, on_audio=sink, dtmf=dtmf)
    async with asyncio.TaskGroup() as group:
        task = group.create_task(ctl.run())
        for _ in range(int(seconds * 10)):
            if task.done():
                break
            await asyncio.sleep(0.1)
        ctl.stop()
    return task.result(), sink


async def test_right_meeting_and_passcode_plays_the_meeting(
    baresip_backend: BaresipBackend,
) -> None:
    with bridge("--meeting-id", "85012345678", "--passcode", "123456") as peer:
        dtmf = zoom_dtmf("85012345678", "123456")
        result, sink = await dial(baresip_backend, SipTarget(peer.uri()), dtmf, 14)
        digits = peer.named("digits")
        started = peer.named("meeting_started")
    assert result.reason is EndReason.STOPPED
    assert result.digits_sent == "85012345678##123456#"
    assert [(d["field"], d["value"], d["accepted"]) for d in digits] == [
        ("meeting_id", "85012345678", True),
        ("participant_id", "", True),
        ("passcode", "123456", True),
    ]
    assert started
    assert sink.formats == {(16000, 1)}  # G.722 negotiated first
    assert sink.bytes > 12 * 32000
    assert sink.loud_seconds > 5  # prompts and meeting speech, not silence


async def test_wrong_passcode_is_refused(baresip_backend: BaresipBackend) -> None:
    with bridge("--meeting-id", "85012345678", "--passcode", "123456") as peer:
        dtmf = "85012345678#,,#,,111#,,222#,,333#"
        result, _ = await dial(baresip_backend, SipTarget(peer.uri()), dtmf, 25)
        digits = peer.named("digits")
        started = peer.named("meeting_started")
        hangups = peer.named("hangup")
    assert [d["accepted"] for d in digits if d["field"] == "passcode"] == [False, False, False]
    assert not started
    assert hangups == [{"event": "hangup", "reason": "wrong passcode"}]
    assert result.reason is EndReason.REMOTE_HANGUP


async def test_bridge_as_digest_trunk(baresip_backend: BaresipBackend) -> None:
    with bridge("--auth", "acct:pw", "--passcode", "", "--hangup-after", "3") as peer:
        trunk = TrunkConfig(host="127.0.0.1", port=peer.port, username="acct", password="pw")
        config = TelephonyConfig(trunk=trunk, answer_timeout=5, media_timeout=3)
        result, sink = await dial(baresip_backend, PstnTarget.parse("+16465588656"), "", 10, config)
        calls = peer.named("call")
    assert result.reason is EndReason.REMOTE_HANGUP
    assert sink.formats == {(8000, 1)}  # PSTN: G.711 only
    assert len(calls) == 1


async def test_bridge_trunk_refuses_a_wrong_password(baresip_backend: BaresipBackend) -> None:
    with bridge("--auth", "acct:pw") as peer:
        trunk = TrunkConfig(host="127.0.0.1", port=peer.port, username="acct", password="nope")
        config = TelephonyConfig(trunk=trunk, answer_timeout=5)
        result, _ = await dial(baresip_backend, PstnTarget.parse("+16465588656"), "", 10, config)
        calls = peer.named("call")
    assert result.reason is EndReason.AUTH_FAILED
    assert result.sip_status == 403
    assert calls == []  # refused at the gate: the bridge never saw it


async def test_opus_arrives_as_48khz_stereo(baresip_backend: BaresipBackend) -> None:
    with bridge("--codecs", "opus", "--passcode", "") as peer:
        dtmf = zoom_dtmf("85012345678")
        result, sink = await dial(baresip_backend, SipTarget(peer.uri()), dtmf, 8)
        started = peer.named("meeting_started")
    assert result.reason is EndReason.STOPPED
    assert sink.formats == {(48000, 2)}
    assert started
    assert sink.loud_seconds > 2


class Stalling:
    """An audio sink that blocks the event loop once, as a busy server would, and notes when
    audio came."""

    def __init__(self, after_seconds: float, stall: float) -> None:
        self.after = after_seconds
        self.stall = stall
        self.seconds = 0.0
        self.first: float | None = None
        self.last = 0.0
        self.stalled = False

    def __call__(self, pcm: bytes, rate: int, channels: int) -> None:
        now = time.monotonic()
        if self.first is None:
            self.first = now - len(pcm) / (2 * rate * channels)
        self.last = now
        self.seconds += len(pcm) / (2 * rate * channels)
        if not self.stalled and self.seconds >= self.after:
            self.stalled = True
            time.sleep(self.stall)  # the loop is blocked: nobody reads the call's audio


async def test_audio_lost_to_a_stalled_reader_comes_back_as_silence(
    baresip_backend: BaresipBackend,
) -> None:
    """Speaker events are placed by the audio's own clock: audio the stack dropped while
    the server was not reading must still count as time, or every later event lands late."""
    sink = Stalling(after_seconds=1.0, stall=2.5)
    config = TelephonyConfig(answer_timeout=5, media_timeout=10, silence_timeout=60)
    with bridge("--passcode", "") as peer:
        target, dtmf = SipTarget(peer.uri()), zoom_dtmf("85012345678")
        ctl = CallController(baresip_backend, target, config, on_audio=sink, dtmf=dtmf)
        async with asyncio.TaskGroup() as group:
            task = group.create_task(ctl.run())
            await asyncio.sleep(9)
            ctl.stop()
    result = task.result()
    assert sink.stalled
    assert result.reason is EndReason.STOPPED
    assert result.lost_bytes > 16000  # the stack did drop half a second or more
    assert sink.first is not None
    assert sink.seconds == pytest.approx(sink.last - sink.first, abs=0.4)
