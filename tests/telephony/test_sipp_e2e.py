"""CallController + the baresip backend against sipp peers on 127.0.0.1: every end reason."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from callscribe.telephony import (
    CallController,
    CallResult,
    EndReason,
    PstnTarget,
    SipTarget,
    TelephonyConfig,
    TrunkConfig,
)
from callscribe.telephony.baresip_backend import BaresipBackend
from callscribe.telephony.config import Transport
from callscribe.telephony.dtmf import DtmfSequence
from peers.sipp_peer import free_udp_port, sipp

pytestmark = pytest.mark.slow


class Sink:
    def __init__(self) -> None:
        self.bytes = 0
        self.peak = 0
        self.formats: set[tuple[int, int]] = set()

    def __call__(self, pcm: bytes, sample_rate: int, channels: int) -> None:
        self.bytes += len(pcm)
        self.formats.add((sample_rate, channels))
        view = memoryview(pcm).cast("h")
        self.peak = max(self.peak, max(view, default=0), -min(view, default=0))


def config(**kwargs: object) -> TelephonyConfig:
    base: dict[str, object] = {
        "answer_timeout": 5.0,
        "media_timeout": 3.0,
        "silence_timeout": 30.0,
        "max_call_seconds": 20.0,
    }
    base.update(kwargs)
    return TelephonyConfig(**base)  # type: ignore[arg-type]


async def call(
    backend: BaresipBackend,
    target: SipTarget | PstnTarget,
    cfg: TelephonyConfig,
    *,
    dtmf: str = "",
    speech: bool = True,
    stop_after: float | None = None,
) -> tuple[CallResult, Sink]:
    sink = Sink()
    ctl: CallController

    def on_audio(pcm: bytes, rate: int, channels: int) -> None:
        sink(pcm, rate, channels)
        if speech:
            ctl.speech_heard()

    ctl = CallController(backend, target, cfg, on_audio=on_audio, dtmf=DtmfSequence.parse(dtmf))
    if stop_after is None:
        return await ctl.run(), sink
    async with asyncio.TaskGroup() as group:
        task = group.create_task(ctl.run())
        await asyncio.sleep(stop_after)
        ctl.stop()
    return task.result(), sink


def trunk_config(port: int, password: str, transport: Transport = "udp") -> TelephonyConfig:
    trunk = TrunkConfig(
        host="127.0.0.1", port=port, transport=transport, username="acct", password=password
    )
    return config(trunk=trunk)


@pytest.mark.parametrize(("transport", "sipp_flag"), [("udp", "u1"), ("tcp", "t1")])
async def test_pstn_through_digest_trunk(
    baresip_backend: BaresipBackend, tmp_path: Path, transport: Transport, sipp_flag: str
) -> None:
    with sipp("trunk.xml", tmp_path, "-t", sipp_flag) as peer:  # expects acct / s3cret
        target = PstnTarget.parse("1 415 555 0100")
        cfg = trunk_config(peer.port, "s3cret", transport)
        result, sink = await call(baresip_backend, target, cfg, stop_after=2.5)
        log = peer.log_text()
    assert result.reason is EndReason.STOPPED
    assert result.answered
    assert "+14155550100@127.0.0.1" in log
    assert f"transport={transport}" in log or transport == "udp"
    assert sink.formats == {(8000, 1)}
    assert sink.bytes > 1.0 * 16000  # at least a second of 8 kHz s16 arrived
    assert sink.peak > 2000  # real speech, not silence


async def test_wrong_trunk_password_is_auth_failed(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with sipp("trunk.xml", tmp_path) as peer:  # expects acct / s3cret
        result, _ = await call(
            baresip_backend, PstnTarget.parse("+14155550100"), trunk_config(peer.port, "wrong")
        )
    assert result.reason is EndReason.AUTH_FAILED
    assert result.sip_status == 403


@pytest.mark.parametrize(
    ("scenario", "reason", "status"),
    [("busy.xml", EndReason.BUSY, 486), ("decline.xml", EndReason.DECLINED, 603)],
)
async def test_refusals(
    baresip_backend: BaresipBackend,
    tmp_path: Path,
    scenario: str,
    reason: EndReason,
    status: int,
) -> None:
    with sipp(scenario, tmp_path) as peer:
        result, _ = await call(baresip_backend, SipTarget(peer.uri), config())
    assert result.reason is reason
    assert result.sip_status == status


async def test_never_answering_is_no_answer(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with sipp("noanswer.xml", tmp_path) as peer:
        result, _ = await call(baresip_backend, SipTarget(peer.uri), config(answer_timeout=1.5))
    assert result.reason is EndReason.NO_ANSWER
    assert not result.answered
    assert 1.4 < result.duration < 4


async def test_nothing_listening_is_unreachable(baresip_backend: BaresipBackend) -> None:
    closed_port = free_udp_port()  # nobody listens there: no response at all
    target = SipTarget(f"sip:nobody@127.0.0.1:{closed_port}")
    result, _ = await call(baresip_backend, target, config(answer_timeout=1.5))
    assert result.reason is EndReason.UNREACHABLE
    assert result.sip_status is None


async def test_answering_without_rtp_is_media_lost(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with sipp("silent.xml", tmp_path) as peer:
        result, sink = await call(baresip_backend, SipTarget(peer.uri), config(media_timeout=1.5))
    assert result.reason is EndReason.MEDIA_LOST
    assert result.answered
    assert sink.bytes == 0


async def test_remote_hangup(baresip_backend: BaresipBackend, tmp_path: Path) -> None:
    with sipp("hangup.xml", tmp_path) as peer:
        result, sink = await call(baresip_backend, SipTarget(peer.uri), config())
    assert result.reason is EndReason.REMOTE_HANGUP
    assert 2.5 < result.duration < 6
    assert sink.bytes > 1.5 * 16000


async def test_silence_timeout_when_no_speech_is_heard(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with sipp("stream.xml", tmp_path) as peer:
        result, sink = await call(
            baresip_backend, SipTarget(peer.uri), config(silence_timeout=1.5), speech=False
        )
    assert result.reason is EndReason.SILENCE_TIMEOUT
    assert sink.bytes > 0  # media flowed all along: silence, not media loss


async def test_sip_info_digits_reach_the_peer(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with sipp("stream.xml", tmp_path) as peer:
        result, _ = await call(
            baresip_backend,
            SipTarget(peer.uri),
            config(dtmf_mode="info"),
            dtmf="12,#",
            stop_after=3.0,
        )
        log = peer.log_text()
    assert result.reason is EndReason.STOPPED
    assert result.digits_sent == "12#"
    assert [line.split()[1] for line in log.splitlines() if line.startswith("digit")] == [
        "1",
        "2",
        "#",
    ]


async def test_rtp_stopping_mid_call_is_media_lost(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with sipp("stream_once.xml", tmp_path) as peer:  # 8 s of speech, then nothing
        result, sink = await call(baresip_backend, SipTarget(peer.uri), config(media_timeout=2.0))
    assert result.reason is EndReason.MEDIA_LOST
    assert 9.5 < result.duration < 13
    assert sink.bytes > 7 * 16000


async def test_maximum_duration(baresip_backend: BaresipBackend, tmp_path: Path) -> None:
    with sipp("stream.xml", tmp_path) as peer:
        result, sink = await call(
            baresip_backend, SipTarget(peer.uri), config(max_call_seconds=2.5)
        )
    assert result.reason is EndReason.MAX_DURATION
    assert 2.4 < result.duration < 3.5
    assert sink.bytes > 0


async def test_ten_simultaneous_calls_lose_nothing(
    baresip_backend: BaresipBackend, tmp_path: Path
) -> None:
    with sipp("stream.xml", tmp_path, calls=10) as peer:
        controllers, sinks = [], []
        for _ in range(10):
            sink = Sink()
            sinks.append(sink)
            controllers.append(
                CallController(baresip_backend, SipTarget(peer.uri), config(), on_audio=sink)
            )
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c.run()) for c in controllers]
            await asyncio.sleep(4)
            for c in controllers:
                c.stop()
    results = [t.result() for t in tasks]
    assert {r.reason for r in results} == {EndReason.STOPPED}
    assert all(s.bytes > 2 * 16000 for s in sinks)
    assert sum(r.lost_bytes for r in results) == 0
    assert sum(r.rtp_lost for r in results) == 0
    assert len({r.call_id for r in results}) == 10


async def test_call_audio_uses_only_the_rtp_ports_configured(tmp_path: Path) -> None:
    # a firewall in front of the server lets through only this range; the stack's own default
    # is anywhere from 1024 to 49152 (and took the SIP ports test peers had been given)
    backend = BaresipBackend(
        listen=f"127.0.0.1:{free_udp_port()}", net_interface="127.0.0.1", rtp_ports=(17000, 17011)
    )
    await backend.start()
    try:
        with sipp("stream.xml", tmp_path, "-trace_msg", calls=3) as peer:
            async with asyncio.TaskGroup() as group:
                controllers = [
                    CallController(backend, SipTarget(peer.uri), config(), on_audio=Sink())
                    for _ in range(3)
                ]
                tasks = [group.create_task(c.run()) for c in controllers]
                await asyncio.sleep(2)
                for c in controllers:
                    c.stop()
    finally:
        await backend.close()
    assert {t.result().reason for t in tasks} == {EndReason.STOPPED}
    ours = offered_audio_ports(tmp_path)
    assert len(ours) == 3  # one offer per call
    assert all(17000 <= p <= 17011 for p in ours), ours


def offered_audio_ports(workdir: Path) -> list[int]:
    """The audio ports of the INVITEs sipp received (``-trace_msg``), not of its answers."""
    trace = "".join(p.read_text() for p in workdir.glob("*_messages.log"))
    sections = re.split(r"^-{20,}.*$", trace, flags=re.MULTILINE)
    invites = [s for s in sections if re.search(r"^INVITE ", s, re.MULTILINE)]
    return [int(p) for s in invites for p in re.findall(r"^m=audio (\d+) ", s, re.MULTILINE)]
