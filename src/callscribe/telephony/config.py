"""Telephony settings as frozen values; the server fills them from ``CALLSCRIBE_*`` settings.

``TrunkConfig`` is the operator's SIP trunk (how PSTN numbers are reached); ``TelephonyConfig``
adds the policy around every call: which numbers may be dialled, and the timeouts that end a
call (no answer, no media, no speech, maximum length).
"""

from __future__ import annotations

from collections.abc import Mapping
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

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelephonyConfig:
        """Build from ``CALLSCRIBE_TRUNK_*``, ``_ALLOW`` (comma-separated), ``_SILENCE_TIMEOUT``,
        ``_MAX_CALL_SECONDS`` (empty or 0 = no limit), ``_DTMF_MODE``."""
        trunk = None
        if host := env.get("CALLSCRIBE_TRUNK_HOST"):
            transport = env.get("CALLSCRIBE_TRUNK_TRANSPORT", "udp").lower()
            if transport not in TRANSPORTS:
                raise ConfigError(
                    f"CALLSCRIBE_TRUNK_TRANSPORT {transport!r}: must be one of udp, tcp, tls"
                )
            name, port = split_host_port(host, 5061 if transport == "tls" else 5060)
            trunk = TrunkConfig(
                host=name,
                port=port,
                transport=transport,
                username=env.get("CALLSCRIBE_TRUNK_USERNAME", "callscribe"),
                password=env.get("CALLSCRIBE_TRUNK_PASSWORD", ""),
                caller_id=env.get("CALLSCRIBE_TRUNK_CALLER_ID") or None,
            )
        allow = tuple(
            p.strip() for p in env.get("CALLSCRIBE_TRUNK_ALLOW", "+1").split(",") if p.strip()
        )
        max_raw = env.get("CALLSCRIBE_MAX_CALL_SECONDS", "14400")
        dtmf = env.get("CALLSCRIBE_DTMF_MODE", "rfc4733")
        if dtmf not in ("rfc4733", "info"):
            raise ConfigError(f"CALLSCRIBE_DTMF_MODE {dtmf!r}: must be rfc4733 or info")
        try:
            silence = float(env.get("CALLSCRIBE_SILENCE_TIMEOUT", "1800"))
            max_seconds = float(max_raw) if max_raw not in ("", "0") else None
        except ValueError as exc:
            raise ConfigError(f"telephony timeouts must be numbers: {exc}") from exc
        return cls(
            trunk=trunk,
            allow=allow,
            silence_timeout=silence,
            max_call_seconds=max_seconds,
            dtmf_mode=dtmf,  # type: ignore[arg-type]  # checked just above
        )


__all__ = ["TRANSPORTS", "DtmfMode", "TelephonyConfig", "Transport", "TrunkConfig"]
