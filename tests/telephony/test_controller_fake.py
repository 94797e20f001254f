"""CallController over the scripted fake backend: every end reason, DTMF pacing, the sink."""

from __future__ import annotations

import asyncio
import time

import pytest
import structlog

from callscribe.errors import ConfigError, ValidationFailed
from callscribe.telephony import (
    CallController,
    CallState,
    CallUpdate,
    EndReason,
    PstnTarget,
    SipTarget,
    TelephonyConfig,
    TrunkConfig,
    create_backend,
)
from callscribe.telephony.config import DtmfMode
from callscribe.telephony.targets import DialPlan
from callscribe.testing.sip import FakeScenario, FakeSipBackend, FakeSipCall

FAST = TelephonyConfig(
    trunk=TrunkConfig(host="127.0.0.1", port=5999),
    answer_timeout=1.0,
    media_timeout=0.5,
    silence_timeout=5.0,
    max_call_seconds=10.0,
)
TARGET = SipTarget("sip:bridge@127.0.0.1:5080")


class Sink:
    def __init__(self) -> None:
        self.bytes = 0
        self.formats: set[tuple[int, int]] = set()

    def __call__(self, pcm: bytes, sample_rate: int, channels: int) -> None:
        self.bytes += len(pcm)
        self.formats.add((sample_rate, channels))


async def run(
    scenario: FakeScenario,
    config: TelephonyConfig = FAST,
    *,
    dtmf: str = "",
    stop_after: float | None = None,
    speak: bool = False,
) -> tuple[CallController, list[CallUpdate], Sink, FakeSipBackend]:
    backend, sink = FakeSipBackend(scenario), Sink()
    updates: list[CallUpdate] = []
    ctl = CallController(
        backend,
        TARGET,
        config,
        on_audio=sink,
        on_state=updates.append,
        dtmf=dtmf,
        ids={"connection_id": "c1"},
    )

    async def chatter() -> None:
        while ctl.state is not CallState.ENDED:
            ctl.speech_heard()
            await asyncio.sleep(0.05)

    async with asyncio.TaskGroup() as group:
        main = group.create_task(ctl.run())
        if speak:
            group.create_task(chatter())
        if stop_after is not None:
            await asyncio.sleep(stop_after)
            ctl.stop()
    ctl.result = main.result()  # type: ignore[attr-defined]
    return ctl, updates, sink, backend


async def test_dtmf_is_keyed_after_media_with_pauses() -> None:
    t0 = time.monotonic()
    ctl, updates, sink, backend = await run(
        FakeScenario(hangup_after=2.5), dtmf="123#,,45#", speak=True
    )
    result = ctl.result  # type: ignore[attr-defined]
    assert result.reason is EndReason.REMOTE_HANGUP
    assert backend.calls[0].digits == "123#45#" == result.digits_sent
    assert [u.state for u in updates] == [
        CallState.DIALLING,
        CallState.RINGING,
        CallState.ANSWERED,
        CallState.KEYING_DTMF,
        CallState.LISTENING,
        CallState.ENDED,
    ]
    keyed = next(u for u in updates if u.state is CallState.LISTENING).at
    assert keyed - updates[0].at >= 1.0  # the ",," pause really waited
    assert sink.formats == {(8000, 1)}
    assert 2.0 * 16000 <= sink.bytes <= 2.7 * 16000
    assert time.monotonic() - t0 < 4


async def test_local_stop() -> None:
    ctl, updates, _sink, backend = await run(FakeScenario(), stop_after=0.6, speak=True)
    assert ctl.result.reason is EndReason.STOPPED  # type: ignore[attr-defined]
    assert backend.calls[0].hung_up
    assert [u.reason for u in updates if u.reason] == [EndReason.STOPPED]


@pytest.mark.parametrize(
    ("scenario", "reason", "status"),
    [
        (FakeScenario(refuse_status=486), EndReason.BUSY, 486),
        (FakeScenario(refuse_status=603), EndReason.DECLINED, 603),
        (FakeScenario(refuse_status=403), EndReason.AUTH_FAILED, 403),
        (FakeScenario(refuse_status=404), EndReason.UNREACHABLE, 404),
        (FakeScenario(never_answer=True), EndReason.NO_ANSWER, 180),  # last status seen
        (FakeScenario(never_answer=True, ring=False), EndReason.UNREACHABLE, None),
        (FakeScenario(send_media=False), EndReason.MEDIA_LOST, 200),
        (FakeScenario(media_stops_after=0.3), EndReason.MEDIA_LOST, 200),
        (FakeScenario(), EndReason.SILENCE_TIMEOUT, 200),
    ],
)
async def test_end_reasons(scenario: FakeScenario, reason: EndReason, status: int | None) -> None:
    config = TelephonyConfig(
        answer_timeout=0.5, media_timeout=0.5, silence_timeout=0.8, max_call_seconds=5
    )
    ctl, updates, _sink, backend = await run(scenario, config)
    assert ctl.result.reason is reason  # type: ignore[attr-defined]
    assert ctl.result.sip_status == status  # type: ignore[attr-defined]
    assert sum(1 for u in updates if u.state is CallState.ENDED) == 1
    assert backend.calls[0].hung_up or reason in (EndReason.BUSY, EndReason.DECLINED)


async def test_max_duration() -> None:
    config = TelephonyConfig(max_call_seconds=0.7, silence_timeout=30)
    ctl, *_ = await run(FakeScenario(), config, speak=True)
    assert ctl.result.reason is EndReason.MAX_DURATION  # type: ignore[attr-defined]


async def test_sink_failure_ends_the_call_with_error() -> None:
    def broken(pcm: bytes, rate: int, channels: int) -> None:
        raise RuntimeError("recogniser crashed")

    ctl = CallController(FakeSipBackend(FakeScenario()), TARGET, FAST, on_audio=broken)
    result = await ctl.run()
    assert result.reason is EndReason.ERROR
    assert "recogniser crashed" in result.detail


async def test_pstn_plan_reaches_the_backend() -> None:
    backend = FakeSipBackend(FakeScenario(refuse_status=486))
    ctl = CallController(backend, PstnTarget.parse("14155550100"), FAST, on_audio=Sink())
    assert (await ctl.run()).reason is EndReason.BUSY
    assert backend.calls[0].plan.uri == "sip:+14155550100@127.0.0.1:5999;user=phone"


async def test_cancelling_run_hangs_up() -> None:
    backend = FakeSipBackend(FakeScenario())
    ctl = CallController(backend, TARGET, FAST, on_audio=Sink())
    task = asyncio.create_task(ctl.run())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ctl.reason is EndReason.STOPPED
    assert backend.calls[0].hung_up


async def test_call_ids_are_on_every_log_line() -> None:
    with structlog.testing.capture_logs() as logs:
        ctl = CallController(
            FakeSipBackend(FakeScenario(refuse_status=603)),
            TARGET,
            FAST,
            on_audio=Sink(),
            ids={"connection_id": "conn-9", "conversation_id": "conv-9"},
        )
        await ctl.run()
    mine = [e for e in logs if e.get("event") in ("call state", "call ended")]
    assert mine
    assert all(e.get("connection_id") == "conn-9" for e in mine)
    assert all(e.get("conversation_id") == "conv-9" for e in mine)


def test_unknown_backend_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="SIP backend 'nope' is unknown"):
        create_backend("nope")
    assert type(create_backend("baresip", listen="127.0.0.1:5999")).__name__ == "BaresipBackend"


async def test_backend_failure_mid_call_ends_with_error_not_a_crash() -> None:
    class Broken(FakeSipBackend):
        async def dial(self, plan: DialPlan, *, dtmf_mode: DtmfMode) -> FakeSipCall:
            call = await super().dial(plan, dtmf_mode=dtmf_mode)

            def explode() -> None:
                raise OSError("stack died")

            call.read_audio = explode  # type: ignore[method-assign]
            return call

    result = await CallController(Broken(FakeScenario()), TARGET, FAST, on_audio=Sink()).run()
    assert result.reason is EndReason.ERROR
    assert "stack died" in result.detail


def test_disallowed_number_is_refused_before_dialling() -> None:
    backend = FakeSipBackend(FakeScenario())
    with pytest.raises(ValidationFailed, match=r"outside the allowed prefixes \(\+1"):
        CallController(backend, PstnTarget.parse("+442071234567"), FAST, on_audio=Sink())
    assert backend.calls == []
