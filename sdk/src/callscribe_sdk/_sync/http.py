# Generated from callscribe_sdk/_async/http.py by scripts/generate_sync_sdk.py:
# edit that file and run the script (the test suite fails when this one differs).
"""The HTTP layer: one httpx client, tokens refreshed before they expire and once on a 401,
retries with backoff. A lock makes concurrent requests share one token fetch."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from callscribe_sdk._auth import Token, token_request
from callscribe_sdk._backend_sync import Lock, run_blocking, sleep
from callscribe_sdk._http import (
    CONNECT_FAILURES,
    USER_AGENT,
    Settings,
    decode,
    error_from,
    next_step,
    transport_error,
)

TOKEN_PATH = "/oauth2/token:generate"


class SyncHTTP:
    """Requests to one server with one app's credentials."""

    def __init__(self, settings: Settings, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self._owns_http = http is None
        self._http = http or httpx.Client(
            base_url=settings.base_url,
            timeout=settings.timeout,
            verify=settings.verify,
            headers={"user-agent": USER_AGENT},
        )
        self._lock = Lock()
        self._token: Token | None = None
        if settings.access_token is not None:
            self._token = Token(settings.access_token, float("inf"))

    @property
    def can_refresh(self) -> bool:
        return bool(self.settings.app_id and self.settings.app_secret)

    def token(self) -> str:
        """A token that is valid for a while yet (fetched or refreshed when needed)."""
        with self._lock:
            token = self._token
            if token is None or not token.fresh(time.time()):
                if token is not None and not self.can_refresh:
                    return token.value
                token = self._fetch_token()
                self._token = token
            return token.value

    def _fetch_token(self) -> Token:
        s = self.settings
        if s.app_id is None or s.app_secret is None:
            raise ValueError("this client has no app_id/app_secret to fetch a token with")
        sent = time.time()
        body = self.request(
            "POST",
            TOKEN_PATH,
            json=token_request(s.app_id, s.app_secret),
            authenticated=False,
            idempotent=True,  # issuing another token is harmless
        )
        return Token.issued(body["accessToken"], float(body["expiresIn"]), sent)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        content: Callable[[], Any] | None = None,
        headers: dict[str, str] | None = None,
        authenticated: bool = True,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send with retries; the decoded JSON of a success, or the matching ``APIError``.

        ``idempotent`` (default: any method but POST) allows retries on 502/503/504."""
        attempt, refreshed = 0, False
        while True:
            sent_headers = dict(headers or {})
            if authenticated:
                sent_headers["x-api-key"] = self.token()
            try:
                response = self._http.request(
                    method,
                    path,
                    json=json,
                    params=params,
                    content=content() if content is not None else None,
                    headers=sent_headers,
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except CONNECT_FAILURES as exc:
                delay = self.settings.retry.delay(attempt, status=None, retry_after=None)
                if delay is None:
                    raise transport_error(exc, self.settings.base_url) from exc
                sleep(delay)
                attempt += 1
                continue
            except httpx.HTTPError as exc:
                raise transport_error(exc, self.settings.base_url) from exc
            step, delay = next_step(
                response,
                attempt=attempt,
                can_refresh=authenticated and not refreshed and self.can_refresh,
                idempotent=method != "POST" if idempotent is None else idempotent,
                policy=self.settings.retry,
                now=time.time(),
            )
            if step == "refresh":
                refreshed = True
                self._invalidate()
                continue
            if step == "retry" and delay is not None:
                sleep(delay)
                attempt += 1
                continue
            return decode(response)

    def download(self, path: str, write: Callable[[bytes], Any]) -> int:
        """GET ``path`` as bytes, handing each chunk to ``write`` (blocking: it runs in a
        worker thread in asyncio) as it arrives; returns the bytes received, or raises the
        matching ``APIError``. No retries: a download cut short is started again by the
        caller."""
        headers = {"x-api-key": self.token()}
        received = 0
        try:
            with self._http.stream("GET", path, headers=headers) as response:
                if not response.is_success:
                    response.read()
                    raise error_from(response)
                for chunk in response.iter_bytes():
                    run_blocking(write, chunk)
                    received += len(chunk)
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.settings.base_url) from exc
        return received

    def _invalidate(self) -> None:
        self._token = None

    def close(self) -> None:
        if self._owns_http:
            self._http.close()
