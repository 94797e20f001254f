"""Creating, listing and deleting apps, and exchanging credentials for tokens."""

from __future__ import annotations

import asyncio
import functools
import secrets
from dataclasses import dataclass

from callscribe.auth.secrets import hash_secret, verify_secret
from callscribe.auth.throttle import LoginThrottle
from callscribe.auth.tokens import IssuedToken, TokenClaims, TokenIssuer
from callscribe.errors import AuthError
from callscribe.records import App
from callscribe.storage import Repository

SIGNING_KEY_NAME = "jwt-signing-key"


@dataclass(frozen=True)
class AppCredentials:
    """Shown once at creation: the secret is stored only as a hash."""

    app: App
    app_secret: str


class AppService:
    def __init__(
        self, repository: Repository, issuer: TokenIssuer, throttle: LoginThrottle
    ) -> None:
        self._repo = repository
        self._issuer = issuer
        self._throttle = throttle

    @classmethod
    async def create(
        cls,
        repository: Repository,
        ttl_seconds: int,
        configured_key: str | None,
        throttle: LoginThrottle,
    ) -> AppService:
        """Use the configured key, or the one stored in the database (made on first start)."""
        key = configured_key or await repository.get_or_create_key(
            SIGNING_KEY_NAME, TokenIssuer.new_key()
        )
        return cls(repository, TokenIssuer(key, ttl_seconds), throttle)

    async def create_app(self, name: str) -> AppCredentials:
        app_id = secrets.token_hex(32)
        app_secret = secrets.token_hex(64)
        hashed = await asyncio.to_thread(hash_secret, app_secret)
        app = await self._repo.create_app(app_id, name, hashed)
        return AppCredentials(app, app_secret)

    async def generate_token(self, app_id: str, app_secret: str, client: str) -> IssuedToken:
        """A token for valid credentials; 429 (``LimitExceeded``) when ``client`` or the app
        has failed too often lately, or too many secrets are being checked at once."""
        self._throttle.check(app_id, client)
        stored = await self._repo.app_secret_hash(app_id)
        # Unknown ids are checked against a dummy hash: timing must not reveal which apps exist.
        ok = await asyncio.to_thread(verify_secret, app_secret, stored or _dummy_hash())
        if stored is None or not ok:
            self._throttle.failed(app_id, client)
            raise AuthError("appId or appSecret is not valid")
        return self._issuer.issue(app_id)

    async def authenticate(self, token: str) -> TokenClaims:
        """The claims of a valid token whose app still exists; ``AuthError`` otherwise."""
        claims = self._issuer.verify(token)
        if not await self._repo.app_exists(claims.app_id):
            raise AuthError("access token is invalid: its app no longer exists")
        return claims

    @property
    def issuer(self) -> TokenIssuer:
        return self._issuer


@functools.cache
def _dummy_hash() -> str:
    return hash_secret(secrets.token_hex(16))
