"""Unguessable links to a conversation's summary page, which may expire and can be revoked.

The token is an HMAC-SHA256 under a key kept in the database (``server_keys``, created on
first start), so every process of one deployment builds the same link and a link cannot be
forged from an id. It signs the conversation id, the link's expiry (if any: the expiry is also
written in the token, in clear) and the conversation's ``link_epoch``: revoking a
conversation's links bumps the epoch, so every link made before stops verifying while nothing
per link is stored. A never-expiring link of a conversation never revoked is the same as links
made before links could expire, so those keep working.

An owner's link (``o.`` before the token; its MAC signs a different purpose, so a shared link
cannot be turned into one) also shows a live call's stop button: it is made for whoever
started the conversation (``callscribe zoom``, the Experience API with ``owner``), never
e-mailed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from enum import StrEnum

from callscribe.config import Settings
from callscribe.records import Conversation

PAGE_KEY_NAME = "summary-page-key"
_TOKEN_CHARS = 32
OWNER_PREFIX = "o."
DEFAULT_EXPIRES_IN = 30 * 24 * 3600
"""Seconds a link from the Experience API lasts when not told (Symbl's default, 30 days)."""


class LinkCheck(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"
    """Forged, of another conversation, or revoked: a 404, as for an unknown conversation."""


def new_key() -> str:
    return secrets.token_hex(32)


def base_url(settings: Settings) -> str:
    """``CALLSCRIBE_PUBLIC_URL``, else ``http://{host}:{port}``, without a trailing slash."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://{settings.host}:{settings.port}"


class PageLinks:
    def __init__(self, key: str, base: str) -> None:
        self._key = key.encode()
        self.base = base.rstrip("/")

    def _mac(self, conversation_id: str, expires_at: int, epoch: int, owner: bool) -> str:
        signed = f"{'owner' if owner else 'page'}:{conversation_id}"
        if expires_at or epoch:
            signed += f":{expires_at}:{epoch}"
        digest = hmac.new(self._key, signed.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_TOKEN_CHARS]

    def token(
        self, conversation_id: str, *, epoch: int = 0, expires_at: int = 0, owner: bool = False
    ) -> str:
        """``expires_at``: Unix seconds, 0 for never; ``owner``: the link also stops a call."""
        mac = self._mac(conversation_id, expires_at, epoch, owner)
        token = f"{expires_at:x}.{mac}" if expires_at else mac
        return OWNER_PREFIX + token if owner else token

    @staticmethod
    def is_owner(token: str) -> bool:
        """The token claims to be an owner's (:meth:`check` verifies the claim)."""
        return token.startswith(OWNER_PREFIX)

    def check(
        self, conversation_id: str, token: str, *, epoch: int, now: float | None = None
    ) -> LinkCheck:
        """A token taken from a URL (constant-time comparison); expiry is told only for a
        token that is otherwise genuine."""
        owner = self.is_owner(token)
        expiry, dot, mac = token.removeprefix(OWNER_PREFIX).rpartition(".")
        try:
            expires_at = int(expiry, 16) if dot else 0
        except ValueError:
            return LinkCheck.INVALID
        if (dot and expires_at <= 0) or not hmac.compare_digest(
            self._mac(conversation_id, expires_at, epoch, owner), mac
        ):
            return LinkCheck.INVALID
        if expires_at and expires_at <= (time.time() if now is None else now):
            return LinkCheck.EXPIRED
        return LinkCheck.VALID

    def path(
        self, conversation_id: str, *, epoch: int = 0, expires_at: int = 0, owner: bool = False
    ) -> str:
        token = self.token(conversation_id, epoch=epoch, expires_at=expires_at, owner=owner)
        return f"/c/{conversation_id}/{token}"

    def summary_url(self, conversation: Conversation, expires_in: int = 0) -> str:
        """The page's absolute URL: goes into e-mails, events and ``summaryInfo`` (never
        expiring), or is made by the Experience API (``expires_in`` seconds, 0: never)."""
        return self.summary_link(conversation, expires_in)[0]

    def summary_link(
        self, conversation: Conversation, expires_in: int, *, owner: bool = False
    ) -> tuple[str, int]:
        """The URL and when it expires (Unix seconds, 0: never)."""
        expires_at = int(time.time()) + expires_in if expires_in else 0
        path = self.path(
            conversation.id, epoch=conversation.link_epoch, expires_at=expires_at, owner=owner
        )
        return self.base + path, expires_at


__all__ = [
    "DEFAULT_EXPIRES_IN",
    "OWNER_PREFIX",
    "PAGE_KEY_NAME",
    "LinkCheck",
    "PageLinks",
    "base_url",
    "new_key",
]
