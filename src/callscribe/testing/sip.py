"""A scripted SIP backend for unit tests of code above the telephony layer.

``FakeSipBackend`` satisfies ``callscribe.telephony.sip.SipBackend`` without a network: each
dial plays a ``FakeScenario`` (ring, refuse with a status, answer, stream PCM paced by the
clock, hang up after a while) and records what the caller did (the plan, the digits keyed,
whether it hung up). Example::

    backend = FakeSipBackend(FakeScenario(audio=pcm_8k, hangup_after=2.0))
    result = await CallController(backend, SipTarget("sip:a@b"), config, on_audio=sink).run()
    assert result.reason is EndReason.REMOTE_HANGUP and backend.calls[0].digits == ""
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from callscribe.telephony.config import DtmfMode
from callscribe.telephony.sip import AudioChunk, AudioCounters, SipEvent, SipEventKind
from callscribe.telephony.targets import DialPlan


@dataclass(frozen=True)
class FakeScenario:
    """What the far end does. Times in seconds from the dial."""

    ring: bool = True
    answer_after: float = 0.05
    refuse_status: int | None = None  # e.g. 486: refuse instead of answering
    never_answer: bool = False
    audio: bytes = b"\x00\x00" * 8000  # s16le PCM streamed after the answer (looped)
    sample_rate: int = 8000
    channels: int = 1
    send_media: bool = True
    media_stops_after: float | None = None  # seconds after the answer
    hangup_after: float | None = None  # seconds after the answer: the far end sends BYE


class FakeSipCall:
    """One scripted call; audio is computed from elapsed time, so no background task runs."""

    def __init__(self, scenario: FakeScenario, plan: DialPlan, dtmf_mode: DtmfMode) -> None:
        self.scenario = scenario
        self.plan = plan
        self.dtmf_mode = dtmf_mode
        self.digits = ""
        self.hung_up = False
        self._dialled = time.monotonic()
        self._answered_at: float | None = None
        self._sent = 0
        self._hangup = asyncio.Event()
        self._rang = False
        self._closed: SipEvent | None = None

    @property
    def call_id(self) -> str | None:
        return f"fake-{id(self):x}"

    async def _sleep_or_hangup(self, seconds: float) -> bool:
        """Sleep; ``True`` if our side hung up meanwhile."""
        try:
            await asyncio.wait_for(self._hangup.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def next_event(self) -> SipEvent:
        if self._closed is not None:
            return self._closed
        sc = self.scenario
        if self._answered_at is None:
            if sc.ring and not self._rang:
                self._rang = True
                return SipEvent(SipEventKind.RINGING, 180)
            if sc.never_answer:
                await self._hangup.wait()
                return self._close(487, "Request Terminated", answered=False)
            if await self._sleep_or_hangup(sc.answer_after):
                return self._close(487, "Request Terminated", answered=False)
            if sc.refuse_status is not None:
                return self._close(sc.refuse_status, "refused by scenario", answered=False)
            self._answered_at = time.monotonic()
            return SipEvent(SipEventKind.ANSWERED, 200)
        wait = None if sc.hangup_after is None else sc.hangup_after - self._since_answer()
        if wait is None:
            await self._hangup.wait()
            return self._close(None, "local hangup", answered=True)
        if await self._sleep_or_hangup(max(0.0, wait)):
            return self._close(None, "local hangup", answered=True)
        return self._close(None, "remote BYE", answered=True)

    def _close(self, status: int | None, reason: str, *, answered: bool) -> SipEvent:
        self._closed = SipEvent(SipEventKind.CLOSED, status, reason, answered=answered)
        return self._closed

    def _since_answer(self) -> float:
        return 0.0 if self._answered_at is None else time.monotonic() - self._answered_at

    def read_audio(self) -> AudioChunk | None:
        sc = self.scenario
        if self._answered_at is None or self._closed is not None or not sc.send_media:
            return None
        elapsed = self._since_answer()
        if sc.media_stops_after is not None:
            elapsed = min(elapsed, sc.media_stops_after)
        frame = 2 * sc.channels
        due = int(elapsed * sc.sample_rate) * frame
        if due <= self._sent or not sc.audio:
            return None
        n = len(sc.audio)
        start, end = self._sent % n, self._sent % n + (due - self._sent)
        pcm = (sc.audio * (end // n + 1))[start:end]
        self._sent = due
        return AudioChunk(pcm, sc.sample_rate, sc.channels)

    def audio_counters(self) -> AudioCounters:
        return AudioCounters(self._sent, 0)

    async def send_dtmf(self, digits: str) -> None:
        await asyncio.sleep(0.01 * len(digits))
        self.digits += digits

    async def hangup(self) -> None:
        self.hung_up = True
        self._hangup.set()


class FakeSipBackend:
    """Plays ``scenario`` (or ``scenario(plan)``) for every dial and keeps the calls."""

    def __init__(self, scenario: FakeScenario | Callable[[DialPlan], FakeScenario]) -> None:
        self._scenario = scenario
        self.calls: list[FakeSipCall] = []
        self.started = False

    async def start(self) -> None:
        self.started = True

    async def dial(self, plan: DialPlan, *, dtmf_mode: DtmfMode) -> FakeSipCall:
        scenario = self._scenario(plan) if callable(self._scenario) else self._scenario
        call = FakeSipCall(scenario, plan, dtmf_mode)
        self.calls.append(call)
        return call

    async def close(self) -> None:
        self.started = False


__all__ = ["FakeScenario", "FakeSipBackend", "FakeSipCall"]
