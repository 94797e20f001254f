"""Telephony settings as frozen values; the server fills them from ``CALLSCRIBE_*`` settings.

``TrunkConfig`` is the operator's SIP trunk (how PSTN numbers are reached); ``TelephonyConfig``
adds the policy around every call: which numbers may be dialled, and the timeouts that end a
call (no answer, no media, no speech, maximum length).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from callscribe.errors import ConfigError

Transport = Literal["udp", "tcp", "tls"]
DtmfMode = Literal["rfc4733", "info"]
TRANSPORTS: tuple[Transport, ...] = ("udp", "tcp", "tls")


def split_host_port(value: str, default_port: int) -> tuple[str, int]:
    """``host``, ``host:port`` or ``[v6]:port`` into (host, port)."""
    host, port = value, default_port
    if value.startswith("["):
        end = value.find("]")
        host, rest = value[1:end], value[end + 1 :]
        if rest.startswith(":"):
            port = _port(rest[1:], value)
    elif value.count(":") == 1:
        host, raw = value.split(":")
        port = _port(raw, value)
    if not host:
        raise ConfigError(f"trunk host {value!r}: empty host name")
    return host, port


def _port(raw: str, value: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"trunk host {value!r}: port {raw!r} is not 1-65535")
    return int(raw)


@dataclass(frozen=True)
class TrunkConfig:
    """The SIP trunk PSTN calls go through (digest credentials answered on 401/407)."""

    host: str
    port: int = 5060
    transport: Transport = "udp"
    username: str = "callscribe"
    password: str = field(default="", repr=False)
    caller_id: str | None = None

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise ConfigError(f"trunk transport {self.transport!r}: must be one of udp, tcp, tls")
        if not self.host:
            raise ConfigError("trunk host: must not be empty")

    @property
    def hostport(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class TelephonyConfig:
    """Per-call policy. Times in seconds; ``None`` max duration means no limit."""

    trunk: TrunkConfig | None = None
    allow: tuple[str, ...] = ("+1",)
    silence_timeout: float = 1800.0
    max_call_seconds: float | None = 4 * 3600.0
    answer_timeout: float = 60.0
    media_timeout: float = 10.0
    dtmf_mode: DtmfMode = "rfc4733"
    user: str = "callscribe"

    def __post_init__(self) -> None:
        for name in ("silence_timeout", "answer_timeout", "media_timeout"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name}: must be greater than 0")
        if self.max_call_seconds is not None and self.max_call_seconds <= 0:
            raise ConfigError("max_call_seconds: must be greater than 0 (or unset)")
        for prefix in self.allow:
            if not prefix.startswith("+") or not prefix[1:].isdigit():
                raise ConfigError(f"allow: prefix {prefix!r} must look like +1 or +4420")


__all__ = ["TRANSPORTS", "DtmfMode", "TelephonyConfig", "Transport", "TrunkConfig"]
