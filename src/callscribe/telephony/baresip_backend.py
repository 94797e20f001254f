"""The production SIP backend: baresip (via ``baresip-python``) embedded in the process.

One ``baresip.Runtime`` per process holds every call (the library allows one at a time). A
user agent is created per distinct identity: direct SIP calls share one, PSTN calls one per
trunk and DTMF mode (baresip fixes the DTMF mode and codec list per account). Stack events
arrive on the event loop and are translated into ``SipEvent`` values; received audio is read
from baresip's ``aumem`` buffers as s16le PCM, already decoded (Opus arrives 48 kHz stereo).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Literal

from callscribe.errors import EngineUnavailable, ServiceError

try:
    import baresip
    from baresip import Account, Config, Runtime, UserAgent
    from baresip.errors import AudioNotActive, AudioRestarted, BaresipError, split_status
    from baresip.events import Event, StackEvent
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise EngineUnavailable(
        "the SIP backend needs baresip-python: pip install --pre baresip-python==0.5.2a3"
    ) from exc
from callscribe.log import get_logger
from callscribe.telephony.config import DtmfMode, TrunkConfig
from callscribe.telephony.sip import (
    AudioChunk,
    AudioCounters,
    SipEvent,
    SipEventKind,
    register_backend,
)
from callscribe.telephony.targets import DialPlan

log = get_logger(__name__)

_CODEC_SPECS = {"g722": "g722/16000/1", "opus": "opus/48000/2", "pcmu": "pcmu", "pcma": "pcma"}
_DTMF_MODES: dict[str, Literal["rtpevent", "info"]] = {"rfc4733": "rtpevent", "info": "info"}
_READ_BYTES = 64 * 1024
_MEDIA_LOST_TEXT = "rtp stream error"
_MAX_EARLY = 256
_CLOSE_WAIT = 2.0


class _Gaps:
    """Where the audio the stack lost belongs in the stream read from it.

    A reader that stalls (a busy event loop) loses audio two ways: with nothing reading, the
    receive buffer fills and newer audio is dropped (it belongs after what was buffered, so
    after the read that empties the buffer); with a slow reader, the catch-up skips the oldest
    audio (it belongs before what is read now). Put back as silence of the same length, the
    stream keeps the call's time: speaker events placed by their timestamps, and message times,
    stay on the words they belong to instead of drifting by what was lost.
    """

    def __init__(self) -> None:
        self.discarded = 0
        self.dropped = 0
        self.pending = 0

    def update(self, discarded: int, dropped: int, drained: bool) -> tuple[int, int]:
        """Bytes of silence to put before and after this read, given the stack's cumulative
        counters; ``drained``: this read took all that was buffered."""
        before = max(0, discarded - self.discarded)
        self.pending += max(0, dropped - self.dropped)
        self.discarded, self.dropped = discarded, dropped
        after = 0
        if drained:
            after, self.pending = self.pending, 0
        return before, after


class BaresipCall:
    """One call: stack events to a queue of ``SipEvent``, audio read on demand."""

    def __init__(self, call: Any) -> None:
        self._call = call
        self._events: asyncio.Queue[SipEvent] = asyncio.Queue()
        self._answered = False
        self._closed: SipEvent | None = None
        self._closed_event = asyncio.Event()
        self._received = 0
        self._rtp_seen = False
        self._gaps = _Gaps()

    @property
    def call_id(self) -> str | None:
        value: str | None = self._call.call_id
        return value

    @property
    def handle(self) -> int:
        value: int = self._call.handle
        return value

    def on_event(self, event: StackEvent) -> None:
        """Called by the backend's router for every stack event of this call, in order."""
        kind = event.event
        if kind in (Event.CALL_RINGING, Event.CALL_PROGRESS):
            self._events.put_nowait(SipEvent(SipEventKind.RINGING, 180))
        elif kind is Event.CALL_ESTABLISHED:
            self._answered = True
            self._events.put_nowait(SipEvent(SipEventKind.ANSWERED, 200))
        elif kind is Event.CALL_RTPESTAB and not self._rtp_seen:
            self._rtp_seen = True
            self._events.put_nowait(SipEvent(SipEventKind.MEDIA))
        elif kind is Event.CALL_CLOSED and self._closed is None:
            text = event.text or ""
            status, reason = split_status(text)
            if self._answered and text.startswith(_MEDIA_LOST_TEXT):
                self._events.put_nowait(SipEvent(SipEventKind.MEDIA_LOST, reason=text))
            self._closed = SipEvent(SipEventKind.CLOSED, status, reason, answered=self._answered)
            self._events.put_nowait(self._closed)
            self._closed_event.set()

    async def next_event(self) -> SipEvent:
        if self._closed is not None and self._events.empty():
            return self._closed
        return await self._events.get()

    def read_audio(self) -> AudioChunk | None:
        """What arrived since the last read, with silence where the stack lost audio (see
        :class:`_Gaps`), so the stream keeps the call's time."""
        if self._closed is not None:
            return None
        audio = self._call.audio
        try:
            info = audio.info()
            if not info.rx_ready:
                return None
            pcm: bytes = audio.read(_READ_BYTES)
            stats = audio.stats()
        except AudioRestarted:
            self._gaps = _Gaps()  # the new streams count their losses from zero
            return None  # renegotiated: the next read binds to the new streams
        except AudioNotActive:
            return None
        self._received += len(pcm)
        sample_bytes = 2 * info.rx_channels  # s16le, every channel
        before, after = self._gaps.update(
            stats.rx_discarded_bytes, stats.rx_dropped_bytes, drained=len(pcm) < _READ_BYTES
        )
        before, after = before - before % sample_bytes, after - after % sample_bytes
        if before or after:
            per_second = sample_bytes * info.rx_sample_rate
            log.warning(
                "received audio lost (read too slowly); silence put in its place",
                call_id=self.call_id,
                lost_ms=round(1000 * (before + after) / per_second),
            )
            pcm = bytes(before) + pcm + bytes(after)
        if not pcm:
            return None
        return AudioChunk(pcm, info.rx_sample_rate, info.rx_channels)

    def audio_counters(self) -> AudioCounters:
        final = self._call.final_stats
        if final is not None:
            late = (final.jbuf_late or 0) + (final.jbuf_overflow or 0)
            return AudioCounters(
                self._received,
                final.audio_rx_dropped_bytes + final.audio_rx_discarded_bytes,
                final.rx_packets,
                final.rx_lost,
                late,
            )
        try:
            stats = self._call.audio.stats()
        except (AudioNotActive, AudioRestarted):
            return AudioCounters(self._received, 0)
        return AudioCounters(self._received, stats.rx_dropped_bytes + stats.rx_discarded_bytes)

    async def send_dtmf(self, digits: str) -> None:
        try:
            await self._call.send_dtmf(digits)
        except BaresipError as exc:
            raise ServiceError(f"sending DTMF {digits!r} failed: {exc}", retryable=False) from exc

    async def hangup(self) -> None:
        """Hang up and wait (briefly) for the stack's close, which carries the final stats."""
        if self._closed is not None:
            return
        try:
            await self._call.hangup()
        except BaresipError as exc:  # already gone: racing the far end's BYE is normal
            log.debug("hangup raced the end of the call", error=str(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed_event.wait(), _CLOSE_WAIT)


class BaresipBackend:
    """Places calls with an embedded baresip; ``listen`` is the local SIP address (host:port).

    ``domain`` is the host part of our From address on direct SIP calls (default: the
    interface or listen address; ``localhost`` when listening on all interfaces).

    ``rtp_ports`` (lowest, highest) bounds the UDP ports of call audio, for firewalls (the
    stack's own default is anywhere from 1024 to 49152).
    ``rtp_timeout`` (whole seconds, 0 = off) makes the stack close calls whose RTP stops.
    The jitter buffer is adaptive and generous (60-300 ms): transcription cares about not
    dropping late packets on a busy 2-core machine far more than about 100 ms of latency.
    """

    def __init__(
        self,
        *,
        listen: str = "0.0.0.0:5060",
        net_interface: str | None = None,
        user: str = "callscribe",
        domain: str | None = None,
        rtp_ports: tuple[int, int] = (10000, 20000),
        rtp_timeout: int = 0,
        max_calls: int | None = None,
        jitter_buffer_ms: tuple[int, int] = (100, 500),
    ) -> None:
        self._listen = listen
        self._net_interface = net_interface
        self._user = user
        host = listen.rsplit(":", 1)[0].strip("[]")
        wildcard = host in ("0.0.0.0", "::", "")
        self._domain = domain or net_interface or ("localhost" if wildcard else host)
        self._rtp_ports = rtp_ports
        self._rtp_timeout = rtp_timeout
        self._max_calls = max_calls
        self._jitter = jitter_buffer_ms
        self._runtime: Any = None
        self._agents: dict[tuple[object, ...], Any] = {}
        self._calls: dict[int, BaresipCall] = {}
        # Events can reach the loop before dial() returns the handle: keep them until claimed.
        self._early: dict[int, list[StackEvent]] = {}
        self._ignored: set[int] = set()
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        if self._runtime is not None:
            return
        runtime = Runtime(native_log_level="error")
        config = Config(
            net_interface=self._net_interface,
            audio_driver="aumem",
            max_concurrent_calls=self._max_calls,
            rtp_timeout=self._rtp_timeout,
            native_log_level="error",
            extra_config_text=(
                f"sip_listen {self._listen}\n"
                f"rtp_ports {self._rtp_ports[0]}-{self._rtp_ports[1]}\n"
                "audio_jitter_buffer_type fixed\n"
                f"audio_jitter_buffer_ms {self._jitter[0]}-{self._jitter[1]}\n"
                "audio_jitter_buffer_size 100\n"
            ),
        )
        try:
            await runtime.start(config)
        except BaresipError as exc:
            raise ServiceError(f"SIP stack did not start: {exc}", retryable=False) from exc
        runtime.subscribe(self._route)
        self._runtime = runtime
        log.info("sip runtime started", listen=self._listen, version=baresip.__version__)

    async def _agent(self, plan: DialPlan, dtmf_mode: DtmfMode) -> Any:
        trunk = plan.trunk
        key: tuple[object, ...] = (trunk, plan.codecs, dtmf_mode)
        async with self._lock:
            if key not in self._agents:
                self._agents[key] = await UserAgent.create(
                    self._runtime, self._account(trunk, plan.codecs, dtmf_mode)
                )
            return self._agents[key]

    def _account(self, trunk: TrunkConfig | None, codecs: tuple[str, ...], mode: DtmfMode) -> Any:
        specs = tuple(_CODEC_SPECS[c] for c in codecs)
        dtmf = _DTMF_MODES[mode]
        if trunk is None:
            return Account(
                user=self._user,
                domain=self._domain,
                password="",
                reg_interval=0,
                audio_codecs=specs,
                dtmf_mode=dtmf,
            )
        return Account(
            user=(trunk.caller_id or trunk.username),
            auth_user=trunk.username if trunk.caller_id else None,
            domain=trunk.hostport,
            password=trunk.password,
            reg_interval=0,
            transport=trunk.transport,
            audio_codecs=specs,
            dtmf_mode=dtmf,
        )

    async def dial(self, plan: DialPlan, *, dtmf_mode: DtmfMode) -> BaresipCall:
        if self._runtime is None:
            raise ServiceError("SIP backend not started", retryable=True)
        agent = await self._agent(plan, dtmf_mode)
        try:
            call = await agent.dial(plan.uri)
        except baresip.NoLocalAddressError as exc:
            where = self._net_interface or "the network interfaces it found"
            raise ServiceError(
                f"no local address reaches {plan.display} from the SIP user agent's interface "
                f"({where}): set CALLSCRIBE_SIP_INTERFACE to the address that reaches it "
                "(127.0.0.1 for a peer on this machine), or call again when the calls in "
                "progress on the other interface have ended",
                retryable=False,
            ) from exc
        except BaresipError as exc:
            raise ServiceError(f"dialling {plan.display} failed: {exc}", retryable=True) from exc
        wrapped = BaresipCall(call)
        self._calls[wrapped.handle] = wrapped
        for event in self._early.pop(wrapped.handle, []):
            self._route(event)
        return wrapped

    def _route(self, event: StackEvent) -> None:
        """One listener for the whole runtime: O(1) per event, and no event lost to a race."""
        if not event.call:
            return
        call = self._calls.get(event.call)
        if event.event is Event.CALL_INCOMING or event.call in self._ignored:
            # Outbound-only: an INVITE addressed to our user is never answered here, and its
            # events must not fill the buffer kept for our own dials.
            self._ignored.add(event.call)
            if event.event is Event.CALL_CLOSED:
                self._ignored.discard(event.call)
            return
        if call is None:
            if len(self._early) < _MAX_EARLY:
                self._early.setdefault(event.call, []).append(event)
            return
        call.on_event(event)
        if event.event is Event.CALL_CLOSED:
            del self._calls[event.call]

    async def close(self) -> None:
        runtime, self._runtime = self._runtime, None
        self._agents.clear()
        self._calls.clear()
        self._early.clear()
        if runtime is not None:
            await runtime.close()


def _factory(**kwargs: Any) -> BaresipBackend:
    return BaresipBackend(**kwargs)


register_backend("baresip", _factory)

__all__ = ["BaresipBackend", "BaresipCall"]
