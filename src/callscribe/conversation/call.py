"""A phone or SIP call feeding a live session: the glue between telephony and speech.

The call's audio (whatever rate and channels the codec gives: 8 kHz G.711, 16 kHz G.722,
48 kHz stereo Opus) is normalised once, here, and fed to the :class:`LiveSession`; the
session's voice activity tells the call that someone is speaking (so hold music does not keep
a call alive); the call's state changes are published as live events, and a failed call
publishes an ``error`` event naming why.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from callscribe.audio.pcm import Normalizer
from callscribe.events.live import CallStateChanged
from callscribe.log import bind, get_logger
from callscribe.metrics import CALLS_ENDED
from callscribe.pipeline.session import LiveSession
from callscribe.telephony import CallController, CallResult, CallState, CallUpdate, EndReason

log = get_logger(__name__)

FAILURES = {
    EndReason.BUSY: "the far end is busy (SIP 486)",
    EndReason.DECLINED: "the far end declined the call (SIP 603)",
    EndReason.NO_ANSWER: "nobody answered the call",
    EndReason.AUTH_FAILED: "the SIP trunk refused our credentials",
    EndReason.UNREACHABLE: "the destination could not be reached",
    EndReason.MEDIA_LOST: "the call's audio stopped arriving",
    EndReason.ERROR: "the call failed",
}


@dataclass
class CallStatus:
    """What ``GET /v1/endpoint/{connectionId}`` reports."""

    state: CallState = CallState.DIALLING
    reason: EndReason | None = None
    sip_status: int | None = None
    detail: str = ""
    started_at: float = field(default_factory=time.time)
    listening_at: float | None = None
    """When the meeting's audio began to be heard (answered, DTMF keyed): what is transcribed
    and recorded runs from here to ``ended_at``."""
    ended_at: float | None = None


class CallSession:
    """Runs a call and its live session together; :meth:`run` returns when both are done."""

    def __init__(self, session: LiveSession) -> None:
        self.session = session
        self.status = CallStatus()
        self.controller: CallController | None = None
        self.result: CallResult | None = None
        self._normalizer = Normalizer()
        self._outbox: asyncio.Queue[CallStateChanged | None] = asyncio.Queue()

    @property
    def connection_id(self) -> str:
        return self.session.connection_id

    def attach(self, controller: CallController) -> None:
        self.controller = controller

    def on_audio(self, pcm: bytes, sample_rate: int, channels: int, /) -> None:
        """The controller's audio sink: convert and feed the live session.

        Audio before the DTMF sequence is fully keyed (the bridge's own prompts: "enter your
        meeting ID") is not part of the meeting and is not transcribed."""
        if self.status.state is not CallState.LISTENING:
            return
        self.session.feed(self._normalizer.s16le(pcm, sample_rate, channels))
        if self.session.speaking and self.controller is not None:
            self.controller.speech_heard()

    def on_state(self, update: CallUpdate) -> None:
        """The controller's listener: remember the state and tell subscribers."""
        self.status.state = update.state
        self.status.reason = update.reason
        self.status.sip_status = update.sip_status
        self.status.detail = update.detail
        if update.state is CallState.LISTENING and self.status.listening_at is None:
            self.status.listening_at = time.time()
        if update.state is CallState.ENDED:
            self.status.ended_at = time.time()
            CALLS_ENDED.labels(update.reason.value if update.reason else "unknown").inc()
        self._outbox.put_nowait(
            CallStateChanged(
                update.state.value,
                update.reason.value if update.reason else None,
                update.sip_status,
                update.detail,
            )
        )

    async def _relay_states(self) -> None:
        while (event := await self._outbox.get()) is not None:
            await self.session.publish(event)

    def stop(self, *, draining: bool = False) -> None:
        """Hang up (``draining``: because this server is stopping) and complete."""
        if self.controller is None:
            self.session.end()
        elif draining:
            self.controller.drain()
        else:
            self.controller.stop()

    async def run(self) -> None:
        """Place the call and listen until it ends; then complete the conversation."""
        assert self.controller is not None
        with bind(connection_id=self.connection_id, conversation_id=self.session.conversation.id):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self.session.run())
                tg.create_task(self._relay_states())
                await self.session.wait_ready()
                try:
                    self.result = await self.controller.run()
                finally:
                    self._outbox.put_nowait(None)
                    reason = self.result.reason if self.result else EndReason.ERROR
                    if reason in FAILURES:
                        detail = self.result.detail if self.result else ""
                        message = FAILURES[reason] + (f": {detail}" if detail else "")
                        await self.session.fail(reason.value, message)
                    self.session.end()
            log.info(
                "call finished",
                reason=self.result.reason.value if self.result else None,
                audio_bytes=self.result.audio_bytes if self.result else 0,
            )
