"""A fake Zoom dial-in bridge on pjsua2 (PJSIP): an independent SIP/RTP stack for our tests.

Run as its own process (pjsua2 allows one endpoint per process and at most ~4 calls)::

    python tests/peers/pjsua2_bridge.py --port 5090 --meeting-id 85012345678 --passcode 123456

It answers, plays the prompts, collects digits sent as RFC 4733 events or SIP INFO, checks the
meeting ID and passcode (its own few lines, deliberately not our ``BridgeIvr``), then plays the
meeting recording and hangs up after it (or after ``--hangup-after`` seconds). One JSON line per
event on stdout: ready, call, digit, answer, meeting_started, hangup, disconnected.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

import pjsua2 as pj

from callscribe.audio.g711 import mulaw_to_s16
from callscribe.bridge import meeting, ulaw

PROMPTS = ("welcome", "participant", "passcode", "invalid_meeting", "invalid_passcode", "joining")


def say(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def write_wavs(folder: Path) -> dict[str, Path]:
    """PCM WAV copies of the packaged audio (pjmedia's player reads linear PCM)."""
    from importlib import resources

    files: dict[str, Path] = {}
    pkg = resources.files("callscribe.bridge")
    sources = {name: (pkg / f"prompt_{name}.wav").read_bytes() for name in PROMPTS}
    for name, image in sources.items():
        data, rate = ulaw.read_wav(image)
        files[name] = _write(folder / f"{name}.wav", mulaw_to_s16(data), rate)
    m = meeting.load()
    files["meeting"] = _write(folder / "meeting.wav", m.pcm, m.sample_rate)
    return files


def _write(path: Path, pcm: bytes, rate: int) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return path


class BridgeCall(pj.Call):  # type: ignore[misc]
    def __init__(self, account: Any, call_id: int, bridge: Bridge) -> None:
        super().__init__(account, call_id)
        self.bridge = bridge
        self.media: Any = None
        self.player: Any = None
        self.stage = "meeting_id"
        self.buffer = ""
        self.tries = 0
        self.answered_at = time.monotonic()
        self.meeting_ends: float | None = None
        self.disconnected = False

    def play(self, name: str) -> None:
        if self.media is None:
            return
        if self.player is not None:
            self.player.stopTransmit(self.media)
        player = pj.AudioMediaPlayer()
        player.createPlayer(str(self.bridge.wavs[name]), pj.PJMEDIA_FILE_NO_LOOP)
        player.startTransmit(self.media)
        self.player = player

    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.disconnected = True
            say("disconnected", status=info.lastStatusCode, stage=self.stage)

    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()
        for index, media in enumerate(info.media):
            if media.type == pj.PJMEDIA_TYPE_AUDIO and (media.status == pj.PJSUA_CALL_MEDIA_ACTIVE):
                first = self.media is None
                self.media = self.getAudioMedia(index)
                if first:
                    say("media", codec=self.getStreamInfo(index).codecName)
                    self.play("welcome")

    def onDtmfDigit(self, prm: Any) -> None:
        method = "info" if prm.method == pj.PJSUA_DTMF_METHOD_SIP_INFO else "rfc4733"
        say("digit", digit=prm.digit, method=method, t=round(time.monotonic(), 3))
        if self.stage in ("meeting", "done"):
            return
        if prm.digit != "#":
            self.buffer += prm.digit
            return
        value, self.buffer = self.buffer, ""
        settings = self.bridge.settings
        if self.stage == "participant_id":
            say("answer", field=self.stage, value=value, accepted=True)
            self.stage = "passcode" if settings.passcode else "meeting"
            self.play("passcode") if settings.passcode else self.join()
            return
        expected = settings.meeting_id if self.stage == "meeting_id" else settings.passcode
        accepted = value == expected
        say("answer", field=self.stage, value=value, accepted=accepted)
        if accepted and self.stage == "meeting_id":
            self.stage, self.tries = "participant_id", 0
            self.play("participant")
        elif accepted:
            self.join()
        else:
            self.tries += 1
            if self.tries >= 3:
                reason, self.stage = f"wrong {self.stage}", "done"
                self.bridge.hang_up(self, reason)
            else:
                self.play("invalid_meeting" if self.stage == "meeting_id" else "invalid_passcode")

    def join(self) -> None:
        self.stage = "meeting"
        self.play("meeting")
        self.meeting_ends = time.monotonic() + meeting.load().duration
        say("meeting_started")


class BridgeAccount(pj.Account):  # type: ignore[misc]
    def __init__(self, bridge: Bridge) -> None:
        super().__init__()
        self.bridge = bridge

    def onIncomingCall(self, prm: Any) -> None:
        call = BridgeCall(self, prm.callId, self.bridge)
        self.bridge.calls.append(call)
        say("call", remote=call.getInfo().remoteUri)
        op = pj.CallOpParam()
        op.statusCode = 200
        call.answer(op)


class Bridge:
    def __init__(self, settings: argparse.Namespace, wavs: dict[str, Path]) -> None:
        self.settings = settings
        self.wavs = wavs
        self.calls: list[BridgeCall] = []

    def hang_up(self, call: BridgeCall, reason: str) -> None:
        if call.disconnected:
            return
        say("hangup", reason=reason)
        call.hangup(pj.CallOpParam())

    def tick(self) -> None:
        now = time.monotonic()
        after = self.settings.hangup_after
        for call in list(self.calls):
            if call.disconnected:
                self.calls.remove(call)
            elif after is not None and now - call.answered_at >= after:
                self.hang_up(call, "hangup-after")
            elif call.meeting_ends is not None and now >= call.meeting_ends:
                self.hang_up(call, "meeting ended")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--meeting-id", default="85012345678")
    parser.add_argument("--passcode", default="123456")
    parser.add_argument("--hangup-after", type=float, default=None)
    settings = parser.parse_args()
    running = True

    def stop(*_: object) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with tempfile.TemporaryDirectory() as tmp:
        bridge = Bridge(settings, write_wavs(Path(tmp)))
        ep = pj.Endpoint()
        ep.libCreate()
        config = pj.EpConfig()
        config.uaConfig.threadCnt = 0
        config.uaConfig.mainThreadOnly = True
        config.logConfig.level = 0
        config.logConfig.consoleLevel = 0
        ep.libInit(config)
        transport = pj.TransportConfig()
        transport.port = settings.port
        transport.boundAddress = "127.0.0.1"
        try:
            ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        except pj.Error as exc:  # its str() is empty: say why, for the harness to read
            sys.exit(f"cannot listen on 127.0.0.1:{settings.port}: {exc.reason}")
        ep.libStart()
        ep.audDevManager().setNullDev()
        account_config = pj.AccountConfig()
        account_config.idUri = f"sip:zoom@127.0.0.1:{settings.port}"
        account_config.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
        account_config.mediaConfig.transportConfig.port = 0
        account = BridgeAccount(bridge)
        account.create(account_config)
        say("ready", port=settings.port)
        while running:
            ep.libHandleEvents(20)
            bridge.tick()
        for call in bridge.calls:
            bridge.hang_up(call, "shutdown")
        for _ in range(10):
            ep.libHandleEvents(20)
        bridge.calls.clear()
        del account
        ep.libDestroy()


if __name__ == "__main__":
    main()
