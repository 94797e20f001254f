"""Access tokens, without I/O: what to send, and when a token must be replaced.

The server's token is a JWT carrying ``exp``. We read ``exp`` (no signature check: the client
only needs to know when to refresh) and replace the token a little before it expires, so a
long-running program never sends an expired token; a 401 despite that triggers one refresh.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

# Refresh this share of the lifetime early, within these bounds (seconds).
_EARLY_SHARE = 0.2
_EARLY_MIN = 0.5
_EARLY_MAX = 60.0


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT as a Unix time, or None when it has none or is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims: Any = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, TypeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) else None


@dataclass(frozen=True, slots=True)
class Token:
    """A token and the time after which it must not be used any more."""

    value: str
    refresh_at: float

    @classmethod
    def issued(cls, value: str, expires_in: float, now: float) -> Token:
        """From a token response received at ``now`` (Unix time)."""
        expires_at = jwt_expiry(value) or now + expires_in
        lifetime = max(0.0, expires_at - now)
        early = min(_EARLY_MAX, max(_EARLY_MIN, lifetime * _EARLY_SHARE))
        return cls(value, expires_at - min(early, lifetime / 2))

    def fresh(self, now: float) -> bool:
        return now < self.refresh_at


def token_request(app_id: str, app_secret: str) -> dict[str, str]:
    """The body of ``POST /oauth2/token:generate``."""
    return {"type": "application", "appId": app_id, "appSecret": app_secret}
