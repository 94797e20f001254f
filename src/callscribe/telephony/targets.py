"""Where a call goes: a SIP URI dialled directly, or a phone number dialled through the trunk.

``plan_dial`` turns a target plus the telephony settings into a ``DialPlan``: the exact
request URI, the codecs to offer in order, and the trunk credentials if any. Wideband first
for SIP (G.722, Opus), G.711 for the phone network where nothing else survives the gateway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callscribe.errors import ValidationFailed
from callscribe.telephony.config import TelephonyConfig, TrunkConfig

SIP_CODECS = ("g722", "opus", "pcmu", "pcma")
PSTN_CODECS = ("pcmu", "pcma")

_SIP_URI = re.compile(r"^sips?:(?:[^@\s<>\"]+@)?[A-Za-z0-9.\-\[\]:]+(?:;[^\s<>\"]*)?$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True)
class SipTarget:
    """A SIP URI (``sip:user@host[:port][;params]``), INVITEd directly."""

    uri: str

    def __post_init__(self) -> None:
        if not _SIP_URI.match(self.uri):
            raise ValidationFailed(
                f"endpoint.uri: {self.uri!r} is not a SIP URI like sip:user@host[:port]"
            )


@dataclass(frozen=True)
class PstnTarget:
    """A phone number in E.164 form (always stored with the leading ``+``)."""

    number: str

    @classmethod
    def parse(cls, raw: str) -> PstnTarget:
        """Accept ``+14155550100``, ``14155550100`` and common separators (space - . ( ))."""
        clean = re.sub(r"[\s\-.()]", "", raw)
        if clean.startswith("00"):
            clean = "+" + clean[2:]
        elif not clean.startswith("+"):
            clean = "+" + clean
        for position, char in enumerate(clean[1:], start=2):
            if not char.isascii() or not char.isdigit():
                raise ValidationFailed(
                    f"endpoint.phoneNumber: invalid character {char!r} at position {position} "
                    f"of the normalised number {clean!r}"
                )
        if not _E164.match(clean):
            raise ValidationFailed(
                f"endpoint.phoneNumber: {raw!r} is not an E.164 number "
                "(country code first, 7-15 digits)"
            )
        return cls(clean)


Target = SipTarget | PstnTarget


@dataclass(frozen=True)
class DialPlan:
    """What the SIP backend needs to place one call."""

    uri: str
    codecs: tuple[str, ...]
    trunk: TrunkConfig | None
    display: str

    @property
    def narrowband(self) -> bool:
        return self.codecs == PSTN_CODECS


def check_allowed(target: PstnTarget, allow: tuple[str, ...]) -> None:
    """Refuse numbers outside the operator's allow-list (toll-fraud protection)."""
    if not any(target.number.startswith(prefix) for prefix in allow):
        raise ValidationFailed(
            f"endpoint.phoneNumber: {target.number} is outside the allowed prefixes "
            f"({', '.join(allow) or 'none'}; setting CALLSCRIBE_TRUNK_ALLOW)"
        )


def plan_dial(target: Target, config: TelephonyConfig) -> DialPlan:
    """Validate the target against the settings and say how to dial it."""
    if isinstance(target, SipTarget):
        return DialPlan(uri=target.uri, codecs=SIP_CODECS, trunk=None, display=target.uri)
    check_allowed(target, config.allow)
    if config.trunk is None:
        raise ValidationFailed(
            "endpoint.phoneNumber: PSTN calls need a SIP trunk (setting CALLSCRIBE_TRUNK_HOST)"
        )
    trunk = config.trunk
    uri = f"sip:{target.number}@{trunk.hostport};user=phone"
    return DialPlan(uri=uri, codecs=PSTN_CODECS, trunk=trunk, display=target.number)


__all__ = [
    "PSTN_CODECS",
    "SIP_CODECS",
    "DialPlan",
    "PstnTarget",
    "SipTarget",
    "Target",
    "check_allowed",
    "plan_dial",
]
