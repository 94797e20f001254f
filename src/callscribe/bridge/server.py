"""The meeting-bridge simulator: a SIP endpoint on baresip that behaves like Zoom's dial-in.

It answers every call, speaks the prompts, collects digits (RFC 4733 or SIP INFO — baresip
reports both), checks the meeting ID and passcode (``ivr.BridgeIvr``), then plays the
recorded meeting (the bundled one or any other) and hangs up. ``meeting_started`` is reported
with ``at``, the wall-clock time (epoch seconds) the meeting's first sample leaves the bridge,
so a speaker feed can put timestamps on the meeting's script. It answers whatever user or
number was dialled; with ``auth`` a ``DigestGate`` on the public port challenges INVITEs first,
like an operator's SIP trunk.
Everything it observes is reported as one dict per event (the CLI prints them as JSON lines).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

from baresip import Account, Config, Runtime, UserAgent
from baresip.errors import AudioNotActive, AudioRestarted, BaresipError
from baresip.events import Event, StackEvent

from callscribe.audio.g711 import mulaw_to_s16
from callscribe.bridge import meeting, ulaw
from callscribe.bridge.digest_gate import DigestGate
from callscribe.bridge.ivr import Answer, BridgeIvr, HangUp, JoinMeeting, Play, Stage
from callscribe.errors import ConfigError
from callscribe.ports import free_sip_port

Report = Callable[[dict[str, Any]], None]
FRAME_SECONDS = 0.02
CODEC_SPECS = {"g722": "g722/16000/1", "opus": "opus/48000/2", "pcmu": "pcmu", "pcma": "pcma"}
_LEAD_FRAMES = 3  # keep ~60 ms queued in the stack: smooth, still prompt on barge-in


@dataclass(frozen=True)
class BridgeSettings:
    host: str = "127.0.0.1"
    port: int = 5080
    meeting_id: str = "85012345678"
    passcode: str | None = "123456"
    auth: tuple[str, str] | None = None  # (user, password): challenge INVITEs like a trunk
    hangup_after: float | None = None  # seconds after the answer
    codecs: tuple[str, ...] = ("g722", "opus", "pcmu", "pcma")  # what it accepts, in order
    max_tries: int = 3
    rtp_ports: tuple[int, int] = (10000, 20000)  # call audio, as callscribe's own default
    meeting: meeting.Meeting | None = None  # None: the bundled meeting


class _Audio:
    """Prompts and the meeting converted to one call's rate, cached per format."""

    def __init__(self, played: meeting.Meeting) -> None:
        self._meeting = played
        self._cache: dict[tuple[str, int, int], bytes] = {}

    def get(self, name: str, rate: int, channels: int) -> bytes:
        key = (name, rate, channels)
        if key not in self._cache:
            if name == "meeting":
                self._cache[key] = self._meeting.pcm_at(rate, channels)
            else:
                pkg = resources.files("callscribe.bridge")
                data, src = ulaw.read_wav((pkg / f"prompt_{name}.wav").read_bytes())
                self._cache[key] = meeting.convert(mulaw_to_s16(data), src, rate, channels)
        return self._cache[key]

    def preload(self, codecs: tuple[str, ...]) -> None:
        """Decode and convert everything up front: a call must not stall the loop on join."""
        formats = {"pcmu": (8000, 1), "pcma": (8000, 1), "g722": (16000, 1), "opus": (48000, 2)}
        names = ("meeting", "ended", "goodbye", "joining", "welcome", "participant", "passcode")
        for rate, channels in {formats[c] for c in codecs}:
            for name in (*names, "invalid_meeting", "invalid_passcode"):
                self.get(name, rate, channels)


@dataclass
class _Queued:
    """Audio waiting to be played; ``started`` is called as its first sample is written."""

    data: bytes
    started: Callable[[float], None] | None = None
    offset: int = 0


_LISTEN_TRIES = 5
"""Ports chosen here are tried this many times: one free a moment ago may be taken by the
time it is bound (another process's RTP socket, an outgoing TCP connection)."""


def _in_use(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno == errno.EADDRINUSE
    return os.strerror(errno.EADDRINUSE) in str(exc)


class _GateProtocol(asyncio.DatagramProtocol):
    """Thin adapter: datagrams in and out of the sans-I/O ``DigestGate``."""

    def __init__(self, gate: DigestGate) -> None:
        self._gate = gate
        self._transport: asyncio.DatagramTransport | None = None
        self.closed = asyncio.Event()  # set once the socket is closed and its port free

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        src = (str(addr[0]), int(addr[1]))
        out = self._gate.from_inner(data) if src == self._gate.inner else None
        if out is None:
            out = self._gate.from_outside(data, src)
        for payload, target in out:
            if self._transport is not None:
                self._transport.sendto(payload, target)


class BridgeServer:
    """Serves calls until cancelled; one task per call inside one task group."""

    def __init__(self, settings: BridgeSettings, report: Report) -> None:
        self._settings = settings
        self._report = report
        self._incoming: asyncio.Queue[Any] = asyncio.Queue()
        self._audio = _Audio(settings.meeting or meeting.bundled())

    async def run(self, ready: asyncio.Event | None = None) -> None:
        s = self._settings
        port, runtime, transport = await self._listen()
        try:
            account = Account(
                user="bridge",
                domain=f"{s.host}:{port}",
                password="",
                reg_interval=0,
                audio_codecs=tuple(CODEC_SPECS[c] for c in s.codecs),
                dtmf_mode="rtpevent",
                extra_params=("catchall=yes",),  # answer whatever number was dialled
            )
            agent = await UserAgent.create(runtime, account)
            await asyncio.to_thread(self._audio.preload, s.codecs)
            agent.on_incoming(self._incoming.put_nowait)
            self._report({"event": "ready", "host": s.host, "port": port, "auth": bool(s.auth)})
            if ready is not None:
                ready.set()
            async with asyncio.TaskGroup() as group:
                while True:
                    call = await self._incoming.get()
                    group.create_task(self._serve(call))
        finally:
            await runtime.close()
            if transport is not None:
                transport.close()

    async def _listen(self) -> tuple[int, Runtime, asyncio.DatagramTransport | None]:
        """Bind the public port (any free one when the settings say 0) and start the SIP
        stack behind it. Returns the public port, the running stack and the digest gate's
        socket. A port this picked that was taken by the time it was bound is picked again;
        a port the user chose that is taken, or any other failure, is a ``ConfigError``."""
        s = self._settings
        for attempt in range(_LISTEN_TRIES):
            port = s.port or free_sip_port(s.host)
            sip_port = port if s.auth is None else free_sip_port(s.host)
            transport: asyncio.DatagramTransport | None = None
            try:
                if s.auth is not None:
                    gate = DigestGate(
                        "callscribe-bridge", *s.auth, (s.host, port), (s.host, sip_port)
                    )
                    transport, protocol = await asyncio.get_running_loop().create_datagram_endpoint(
                        functools.partial(_GateProtocol, gate), local_addr=(s.host, port)
                    )
                runtime = Runtime(native_log_level="error")
                await runtime.start(
                    Config(
                        net_interface=s.host,
                        audio_driver="aumem",
                        max_concurrent_calls=None,
                        native_log_level="error",
                        extra_config_text=(
                            f"sip_listen {s.host}:{sip_port}\n"
                            f"rtp_ports {s.rtp_ports[0]}-{s.rtp_ports[1]}\n"
                        ),
                    )
                )
                return port, runtime, transport
            except (OSError, BaresipError) as exc:
                if transport is not None:
                    transport.close()  # the port is free only once the loop has closed it
                    await protocol.closed.wait()
                public = s.auth is None or isinstance(exc, OSError)
                where = f"{s.host}:{port if public else sip_port}"
                if not _in_use(exc):
                    raise ConfigError(f"cannot listen for SIP on {where}: {exc}") from exc
                if (public and s.port) or attempt == _LISTEN_TRIES - 1:
                    hint = "; choose another port, or 0 for any free one" if public else ""
                    raise ConfigError(f"{where} is already in use{hint}") from exc
        raise AssertionError("unreachable")

    async def _serve(self, call: Any) -> None:
        """One call; a failure ends this call only, never the server."""
        try:
            await self._serve_call(call)
        except Exception as exc:
            self._report({"event": "error", "call_id": call.call_id, "detail": repr(exc)})
            await self._hangup(call)

    async def _serve_call(self, call: Any) -> None:
        s = self._settings
        closed = asyncio.Event()
        digits: asyncio.Queue[str] = asyncio.Queue()

        def on_event(event: StackEvent) -> None:
            if event.event is Event.CALL_CLOSED:
                closed.set()

        call.on(on_event)
        call.on_dtmf(lambda d: digits.put_nowait(d.digit))
        self._report({"event": "call", "peer": call.peer, "call_id": call.call_id})
        try:
            await call.answer()
            await asyncio.wait_for(self._tx_ready(call, closed), 10)
        except (BaresipError, TimeoutError) as exc:
            self._report({"event": "error", "call_id": call.call_id, "detail": str(exc)})
            await self._hangup(call)
            return
        info = call.audio.info()
        rate, channels = info.tx_sample_rate, info.tx_channels
        self._report({"event": "answered", "rate": rate, "channels": channels})
        ivr = BridgeIvr(s.meeting_id, s.passcode, s.max_tries)
        queue: list[_Queued] = []
        hangup: str | None = None
        answered_at = time.monotonic()
        frame = int(rate * FRAME_SECONDS) * 2 * channels
        bytes_per_second = rate * 2 * channels

        def meeting_started(ahead: float) -> None:
            self._report({"event": "meeting_started", "at": round(time.time() + ahead, 3)})

        def apply(actions: list[Any]) -> None:
            nonlocal hangup
            for action in actions:
                if isinstance(action, Play):
                    queue[:] = [_Queued(self._audio.get(action.prompt, rate, channels))]
                    call.audio.flush_tx()
                elif isinstance(action, JoinMeeting):
                    played = self._audio.get("meeting", rate, channels)
                    queue.append(_Queued(played, meeting_started))
                    queue.append(_Queued(self._audio.get("ended", rate, channels)))
                elif isinstance(action, HangUp):
                    hangup = action.reason
                elif isinstance(action, Answer):
                    self._report(
                        {
                            "event": "digits",
                            "field": action.stage.value,
                            "value": action.value,
                            "accepted": action.accepted,
                        }
                    )

        apply(ivr.start())
        while not closed.is_set():
            while not digits.empty():
                apply(ivr.digit(digits.get_nowait()))
            if s.hangup_after is not None and time.monotonic() - answered_at >= s.hangup_after:
                hangup = hangup or "hangup-after"
                queue.clear()
            if not queue and (hangup or ivr.stage is Stage.MEETING):
                if hangup is None:
                    hangup = "meeting ended"
                break
            with contextlib.suppress(AudioNotActive, AudioRestarted):
                self._feed(call, queue, frame, bytes_per_second)
            await asyncio.sleep(FRAME_SECONDS)
        if not closed.is_set():
            self._report({"event": "hangup", "reason": hangup})
            await self._hangup(call)
        else:
            self._report({"event": "closed", "stage": ivr.stage.value})

    @staticmethod
    async def _tx_ready(call: Any, closed: asyncio.Event) -> None:
        while not closed.is_set():
            try:
                if call.audio.info().tx_ready:
                    return
            except AudioNotActive:
                pass
            await asyncio.sleep(0.02)
        raise BaresipError("call closed before media started")

    @staticmethod
    def _feed(call: Any, queue: list[_Queued], frame: int, bytes_per_second: int) -> None:
        audio = call.audio
        while queue and (buffered := audio.info().tx_buffered) < _LEAD_FRAMES * frame:
            item = queue[0]
            if item.offset == 0 and item.started is not None:
                item.started(buffered / bytes_per_second)  # it plays after what is buffered
            chunk = item.data[item.offset : item.offset + frame]
            item.offset += len(chunk)
            if item.offset >= len(item.data):
                queue.pop(0)
            audio.write(chunk)

    @staticmethod
    async def _hangup(call: Any) -> None:
        with contextlib.suppress(BaresipError):  # already gone: the far end hung up first
            await call.hangup()


__all__ = ["BridgeServer", "BridgeSettings"]
