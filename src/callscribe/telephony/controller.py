"""``CallController``: one call from dial to hang-up, as one asyncio task group.

Four tasks share the call: signalling (SIP events into the state table), media (polls the far
end's PCM into the sink), keying (DTMF once media flows) and the watchdog (deadlines). The
first end — a stop request, the far end, a timeout — ends the table; the group is then
cancelled and the call hung up. ``run`` always returns a ``CallResult`` with exactly one end
reason; only programming errors escape it.

The speech side calls ``speech_heard()`` whenever it detects speech; without it, a call on
hold music ends after ``silence_timeout``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from callscribe.errors import CallscribeError
from callscribe.log import bind, get_logger
from callscribe.telephony.config import TelephonyConfig
from callscribe.telephony.dtmf import EMPTY, DtmfSequence, Keys
from callscribe.telephony.lifecycle import CallEvent, CallMachine, CallState, EndReason
from callscribe.telephony.sip import SipBackend, SipCall, SipEventKind
from callscribe.telephony.targets import Target, plan_dial
from callscribe.telephony.timers import Deadlines

log = get_logger(__name__)


class AudioSink(Protocol):
    """Receives the far end's audio: s16le interleaved PCM at the negotiated rate."""

    def __call__(self, pcm: bytes, sample_rate: int, channels: int, /) -> None: ...


@dataclass(frozen=True)
class CallUpdate:
    """A state change, for the listener (``at`` is wall-clock seconds)."""

    state: CallState
    previous: CallState | None
    reason: EndReason | None
    sip_status: int | None
    detail: str
    at: float


@dataclass(frozen=True)
class CallResult:
    """How the call ended and what it delivered."""

    reason: EndReason
    sip_status: int | None
    detail: str
    call_id: str | None
    answered: bool
    duration: float
    audio_bytes: int
    lost_bytes: int
    digits_sent: str
    rtp_packets: int = 0
    rtp_lost: int = 0
    rtp_late: int = 0


CallListener = Callable[[CallUpdate], None]


class CallController:
    """Runs one call. Create, then ``await run()``; ``stop()`` and ``speech_heard()`` any time."""

    def __init__(
        self,
        backend: SipBackend,
        target: Target,
        config: TelephonyConfig,
        *,
        on_audio: AudioSink,
        on_state: CallListener | None = None,
        dtmf: DtmfSequence | str = EMPTY,
        ids: Mapping[str, str] | None = None,
        poll_interval: float = 0.04,
        dtmf_settle: float = 0.3,
    ) -> None:
        self._backend = backend
        self._config = config
        self._plan = plan_dial(target, config)  # raises ValidationFailed before any I/O
        self._dtmf = dtmf if isinstance(dtmf, DtmfSequence) else DtmfSequence.parse(dtmf)
        self._sink = on_audio
        self._listener = on_state
        self._ids = dict(ids or {})
        self._log = log.bind(**self._ids, target=self._plan.display)
        self._poll = poll_interval
        self._settle = dtmf_settle
        self._machine = CallMachine(has_dtmf=bool(self._dtmf))
        self._loop_time = time.monotonic
        self._deadlines = Deadlines(config, started=self._loop_time())
        self._done = asyncio.Event()
        self._media_started = asyncio.Event()
        self._call: SipCall | None = None
        self._audio_bytes = 0
        self._digits_sent = ""
        self._detail = ""

    @property
    def state(self) -> CallState:
        return self._machine.state

    @property
    def reason(self) -> EndReason | None:
        return self._machine.reason

    def stop(self) -> None:
        """Ask the call to end (reason ``stopped``); a no-op once it has ended."""
        self._apply(CallEvent.STOP, detail="stop requested")

    def drain(self) -> None:
        """End the call because this server is stopping (reason ``server_stopped``)."""
        self._apply(CallEvent.DRAIN, detail="the server holding the call is stopping")

    def speech_heard(self) -> None:
        """The speech side heard someone speak: push the silence deadline back."""
        self._deadlines.on_speech(self._loop_time())

    async def run(self) -> CallResult:
        """Dial, key, stream until the call ends; returns how it ended."""
        with bind(**self._ids):
            started = self._loop_time()
            self._deadlines = Deadlines(self._config, started=started)
            self._emit(self._machine.state, None, None, "dialling " + self._plan.display)
            try:
                await self._run_call()
            except asyncio.CancelledError:
                self._apply(CallEvent.STOP, detail="cancelled")
                raise
            finally:
                await self._hangup()
            reason = self._machine.reason or EndReason.ERROR
            counters = self._call.audio_counters() if self._call else None
            result = CallResult(
                reason=reason,
                sip_status=self._machine.sip_status,
                detail=self._detail,
                call_id=self._call.call_id if self._call else None,
                answered=self._deadlines.answered is not None,
                duration=self._loop_time() - started,
                audio_bytes=self._audio_bytes,
                lost_bytes=counters.lost_bytes if counters else 0,
                digits_sent=self._digits_sent,
                rtp_packets=counters.rtp_packets if counters else 0,
                rtp_lost=counters.rtp_lost if counters else 0,
                rtp_late=counters.rtp_late if counters else 0,
            )
            self._log.info("call ended", reason=reason.value, sip_status=result.sip_status)
            return result

    async def _run_call(self) -> None:
        try:
            call = await self._backend.dial(self._plan, dtmf_mode=self._config.dtmf_mode)
        except CallscribeError as exc:
            self._apply(CallEvent.FAIL, detail=exc.message)
            return
        self._call = call
        if self._done.is_set():
            return
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(self._guard(self._signalling(call))),
                group.create_task(self._guard(self._media(call))),
                group.create_task(self._guard(self._keying(call))),
                group.create_task(self._guard(self._watchdog())),
            ]
            await self._done.wait()
            for task in tasks:
                task.cancel()

    async def _guard(self, work: Coroutine[Any, Any, None]) -> None:
        """Turn a task's unexpected failure into the ``error`` end reason, never a crash."""
        try:
            await work
        except Exception as exc:
            self._log.exception("call task failed")
            self._apply(CallEvent.ERROR, detail=f"internal error: {exc!r}")

    def _apply(self, event: CallEvent, *, sip_status: int | None = None, detail: str = "") -> None:
        step = self._machine.handle(event, sip_status=sip_status, detail=detail)
        if step is None:
            return
        if step.reason is not None:
            self._detail = detail
        self._emit(step.state, step.previous, step.reason, detail)
        if self._machine.ended:
            self._done.set()

    def _emit(
        self, state: CallState, previous: CallState | None, reason: EndReason | None, detail: str
    ) -> None:
        status = self._machine.sip_status
        self._log.info(
            "call state", state=state.value, reason=reason and reason.value, sip_status=status
        )
        if self._listener is None:
            return
        update = CallUpdate(state, previous, reason, status, detail, time.time())
        try:
            self._listener(update)
        except Exception:
            self._log.exception("call state listener raised; the call goes on")

    async def _signalling(self, call: SipCall) -> None:
        while True:
            event = await call.next_event()
            if event.kind is SipEventKind.RINGING:
                self._apply(CallEvent.RING, sip_status=event.status)
            elif event.kind is SipEventKind.ANSWERED:
                self._deadlines.on_answer(self._loop_time())
                self._apply(CallEvent.ANSWER, sip_status=event.status)
            elif event.kind is SipEventKind.MEDIA:
                self._on_media()
            elif event.kind is SipEventKind.MEDIA_LOST:
                self._apply(CallEvent.MEDIA_TIMEOUT, detail=event.reason or "RTP stopped")
            elif event.answered:
                self._apply(CallEvent.REMOTE_BYE, detail=event.reason or "far end hung up")
                return
            else:
                self._apply(CallEvent.FAIL, sip_status=event.status, detail=event.reason)
                return

    def _on_media(self) -> None:
        self._apply(CallEvent.MEDIA)
        self._media_started.set()

    async def _media(self, call: SipCall) -> None:
        while True:
            chunk = call.read_audio()
            if chunk is not None:
                self._deadlines.on_audio(self._loop_time())
                if not self._media_started.is_set():
                    self._on_media()
                self._audio_bytes += len(chunk.pcm)
                try:
                    self._sink(chunk.pcm, chunk.sample_rate, chunk.channels)
                except Exception as exc:
                    self._log.exception("audio sink raised; ending the call")
                    self._apply(CallEvent.ERROR, detail=f"audio sink failed: {exc!r}")
                    return
            await asyncio.sleep(self._poll)

    async def _keying(self, call: SipCall) -> None:
        await self._media_started.wait()
        if self._dtmf:
            await asyncio.sleep(self._settle)
            for step in self._dtmf:
                if isinstance(step, Keys):
                    try:
                        await call.send_dtmf(step.digits)
                    except CallscribeError as exc:
                        self._apply(CallEvent.ERROR, detail=exc.message)
                        return
                    self._digits_sent += step.digits
                else:
                    await asyncio.sleep(step.ms / 1000)
            self._log.info("dtmf sent", digits=len(self._digits_sent))
        self._apply(CallEvent.KEYS_DONE)

    async def _watchdog(self) -> None:
        while True:
            now = self._loop_time()
            event = self._deadlines.due(now, self._machine.state)
            if event is not None:
                self._apply(
                    event, detail=f"{event.value} after {now - self._deadlines.started:.1f} s"
                )
                return
            await asyncio.sleep(self._deadlines.next_check(now, self._machine.state))

    async def _hangup(self) -> None:
        call = self._call
        if call is None:
            return
        try:
            await asyncio.shield(call.hangup())
        except CallscribeError as exc:
            self._log.warning("hangup failed", error=exc.message)


__all__ = ["AudioSink", "CallController", "CallListener", "CallResult", "CallUpdate"]
