"""Unguessable links to a conversation's summary page.

The token is an HMAC-SHA256 of the conversation id under a key kept in the database
(``server_keys``, created on first start), so every process of one deployment builds the
same link, nothing per conversation needs storing, and a link cannot be forged from an id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from callscribe.config import Settings
from callscribe.model import Conversation

PAGE_KEY_NAME = "summary-page-key"
_TOKEN_CHARS = 32


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

    def token(self, conversation_id: str) -> str:
        digest = hmac.new(self._key, f"page:{conversation_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_TOKEN_CHARS]

    def verify(self, conversation_id: str, token: str) -> bool:
        """Constant-time check of a token taken from a URL."""
        return hmac.compare_digest(self.token(conversation_id), token)

    def path(self, conversation_id: str) -> str:
        return f"/c/{conversation_id}/{self.token(conversation_id)}"

    def summary_url(self, conversation: Conversation) -> str:
        """The page's absolute URL: goes into e-mails, events and ``summaryInfo``."""
        return self.base + self.path(conversation.id)


__all__ = ["PAGE_KEY_NAME", "PageLinks", "base_url", "new_key"]
