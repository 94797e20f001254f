"""What the sync and async clients share about HTTP: settings, decoding answers, and the
decision after each response (return it, refresh the token once, or retry after a delay).
"""

from __future__ import annotations

import os
import ssl
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import httpx

from callscribe_sdk._exceptions import (
    APIError,
    ConnectError,
    Timeout,
    TransportError,
    error_for,
)
from callscribe_sdk._retry import RETRY_STATUSES, RetryPolicy, parse_retry_after

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
USER_AGENT = "callscribe-sdk-python/0.1.0"

# Failures where the request cannot have reached the server: always safe to retry.
CONNECT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class Settings:
    """A client's settings, resolved once (arguments first, then ``CALLSCRIBE_*`` variables)."""

    base_url: str
    app_id: str | None
    app_secret: str | None
    access_token: str | None
    timeout: float
    verify: bool | ssl.SSLContext
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def resolve(
        cls,
        base_url: str | None,
        app_id: str | None,
        app_secret: str | None,
        access_token: str | None,
        timeout: float,
        max_retries: int,
        verify: bool | ssl.SSLContext,
    ) -> Settings:
        env = os.environ
        url = (base_url or env.get("CALLSCRIBE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"base_url must start with http:// or https://, got {url!r}")
        app_id = app_id or env.get("CALLSCRIBE_APP_ID")
        app_secret = app_secret or env.get("CALLSCRIBE_APP_SECRET")
        if access_token is None and not (app_id and app_secret):
            raise ValueError(
                "credentials missing: pass app_id and app_secret (or set CALLSCRIBE_APP_ID and "
                "CALLSCRIBE_APP_SECRET), or pass access_token"
            )
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        return cls(url, app_id, app_secret, access_token, timeout, verify, RetryPolicy(max_retries))

    def ws_url(self, path: str, token: str) -> str:
        """The WebSocket URL of ``path`` with the token as ``access_token``."""
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        query = httpx.QueryParams({"access_token": token})
        return urlunsplit((scheme, parts.netloc, parts.path + path, str(query), ""))

    def ssl_context(self) -> ssl.SSLContext | None:
        """What to give ``websockets`` for a ``wss://`` URL (None for plain ``ws://``)."""
        if not self.base_url.startswith("https"):
            return None
        if isinstance(self.verify, ssl.SSLContext):
            return self.verify
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def decode(response: httpx.Response) -> Any:
    """The JSON of a successful answer (None if empty), or the :class:`APIError` to raise."""
    if response.is_success:
        return response.json() if response.content else None
    raise error_from(response)


def error_from(response: httpx.Response) -> APIError:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    retry_after = parse_retry_after(response.headers.get("retry-after"), time.time())
    fallback = f"HTTP {response.status_code} {response.reason_phrase}: {response.text[:200]}"
    return error_for(response.status_code, body, retry_after=retry_after, fallback=fallback)


Step = (
    tuple[Literal["return"], None]
    | tuple[Literal["refresh"], None]
    | tuple[Literal["retry"], float]
)


def next_step(
    response: httpx.Response,
    *,
    attempt: int,
    can_refresh: bool,
    idempotent: bool,
    policy: RetryPolicy,
    now: float,
) -> Step:
    """After ``response``: give it to the caller, refresh the token and resend, or retry.

    A 502/503/504 may come after the server acted (a call dialled, a job created), so only
    idempotent requests are retried on them; a 429 and a 401 mean nothing was done.
    """
    status = response.status_code
    if status == 401 and can_refresh:
        return ("refresh", None)
    if status == 429 or (idempotent and status in RETRY_STATUSES):
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        delay = policy.delay(attempt, status=status, retry_after=retry_after)
        if delay is not None:
            return ("retry", delay)
    return ("return", None)


def transport_error(exc: httpx.HTTPError, base_url: str) -> TransportError:
    """The SDK error for an httpx failure that retries could not cure."""
    if isinstance(exc, CONNECT_FAILURES):
        return ConnectError(f"could not connect to {base_url}: {exc or type(exc).__name__}")
    if isinstance(exc, httpx.TimeoutException):
        return Timeout(f"no answer from {base_url} in time: {exc or type(exc).__name__}")
    return TransportError(f"request to {base_url} failed: {exc or type(exc).__name__}")
