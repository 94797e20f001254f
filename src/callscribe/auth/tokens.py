"""Access tokens: HS256 JWTs carrying ``exp``, as Symbl's SDKs expect to decode them.

The signing key lives in the database (or comes from ``CALLSCRIBE_JWT_SECRET``), so every
process sharing the database accepts the same tokens and they survive restarts until ``exp``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import jwt

from callscribe.errors import AuthError

_ALGORITHM = "HS256"
_AUDIENCE = "callscribe"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


@dataclass(frozen=True)
class TokenClaims:
    app_id: str
    expires_at: int


class TokenIssuer:
    """Signs and verifies tokens with one key; the clock is a parameter for tests."""

    def __init__(self, key: str, ttl_seconds: int) -> None:
        self._key = key
        self._ttl = ttl_seconds

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(48)

    def issue(self, app_id: str, now: float | None = None) -> IssuedToken:
        issued = int(time.time() if now is None else now)
        claims = {
            "sub": app_id,
            "appId": app_id,
            "type": "application",
            "aud": _AUDIENCE,
            "iat": issued,
            "exp": issued + self._ttl,
            "jti": secrets.token_hex(8),
        }
        return IssuedToken(jwt.encode(claims, self._key, algorithm=_ALGORITHM), self._ttl)

    def verify(self, token: str, now: float | None = None) -> TokenClaims:
        """The token's claims, or ``AuthError`` saying whether it expired or is invalid."""
        options: jwt.types.Options = {"require": ["exp", "sub"], "verify_exp": now is None}
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[_ALGORITHM], audience=_AUDIENCE, options=options
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("access token has expired; generate a new one") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("access token is invalid") from exc
        if now is not None and claims["exp"] <= now:
            raise AuthError("access token has expired; generate a new one")
        return TokenClaims(app_id=str(claims["sub"]), expires_at=int(claims["exp"]))
