"""The SIP user-agent interface the call controller drives, whatever stack is underneath.

A backend places calls (``dial``) and owns the process-wide SIP runtime; a call reports its
progress as ``SipEvent`` values on an async queue, hands over the far end's audio as decoded
PCM on demand (``read_audio``, non-blocking), keys DTMF and hangs up. Backends register by
name in ``BACKENDS`` so the server can pick one from its settings; tests use the fake in
``callscribe.testing.sip``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from callscribe.errors import ConfigError
from callscribe.telephony.config import DtmfMode
from callscribe.telephony.targets import DialPlan


class SipEventKind(enum.StrEnum):
    RINGING = "ringing"  # 180/183 received
    ANSWERED = "answered"  # 200 OK, dialog confirmed
    MEDIA = "media"  # first RTP received from the far end
    MEDIA_LOST = "media_lost"  # the stack saw RTP stop (its own RTP timeout)
    CLOSED = "closed"  # the call is over: refused before answer, or BYE after


@dataclass(frozen=True)
class SipEvent:
    """One thing the far end did; ``status`` is the SIP status where there is one."""

    kind: SipEventKind
    status: int | None = None
    reason: str = ""
    answered: bool = False  # on CLOSED: whether the call had been answered


@dataclass(frozen=True)
class AudioChunk:
    """Decoded far-end audio: s16le interleaved PCM at the negotiated rate."""

    pcm: bytes
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class AudioCounters:
    """Receive-side health. ``lost_bytes``: decoded audio the stack threw away because we read
    too slowly; ``rtp_lost``: packets the network lost (sequence gaps), ``rtp_late``: packets
    the jitter buffer dropped as late or overflowing. Final once the call has closed."""

    received_bytes: int
    lost_bytes: int
    rtp_packets: int = 0
    rtp_lost: int = 0
    rtp_late: int = 0


class SipCall(Protocol):
    """One outbound call placed by a backend."""

    @property
    def call_id(self) -> str | None: ...

    async def next_event(self) -> SipEvent:
        """Wait for the next progress event; after CLOSED it returns CLOSED again."""
        ...

    def read_audio(self) -> AudioChunk | None:
        """Far-end audio received since the last read, or ``None`` if none yet (never blocks).
        Audio the stack lost because it was read too slowly comes back as silence of the
        same length, so the stream keeps the call's time."""
        ...

    def audio_counters(self) -> AudioCounters: ...

    async def send_dtmf(self, digits: str) -> None:
        """Key ``digits`` (``0-9*#A-D``), returning once the last one is on the wire."""
        ...

    async def hangup(self) -> None:
        """End the call (CANCEL before answer, BYE after); safe to call on a closed call."""
        ...


class SipBackend(Protocol):
    """A SIP stack able to hold many simultaneous calls in one process."""

    async def start(self) -> None: ...

    async def dial(self, plan: DialPlan, *, dtmf_mode: DtmfMode) -> SipCall: ...

    async def close(self) -> None: ...


BACKENDS: dict[str, Callable[..., SipBackend]] = {}


def register_backend(name: str, factory: Callable[..., SipBackend]) -> None:
    """Make a backend selectable by name (``"baresip"`` registers itself on import)."""
    BACKENDS[name] = factory


def create_backend(name: str = "baresip", **options: object) -> SipBackend:
    """Build a registered backend by name (imports the built-in baresip one on demand)."""
    if name == "baresip" and name not in BACKENDS:
        import callscribe.telephony.baresip_backend  # noqa: F401  (registers itself)
    if name not in BACKENDS:
        raise ConfigError(f"SIP backend {name!r} is unknown; known: {sorted(BACKENDS)}")
    return BACKENDS[name](**options)


__all__ = [
    "BACKENDS",
    "AudioChunk",
    "AudioCounters",
    "SipBackend",
    "SipCall",
    "SipEvent",
    "SipEventKind",
    "create_backend",
    "register_backend",
]
