"""The SDK's one exception tree, mirroring the server's errors.

::

    CallscribeError
    ├── TransportError            the server could not be reached or did not answer in time
    │   ├── ConnectError          connecting failed (after the retries)
    │   └── Timeout               a request or a wait took longer than allowed
    ├── APIError                  the server answered with an error status; ``message`` is its own
    │   ├── BadRequest            400 (and 422): a field is missing or invalid
    │   ├── AuthenticationError   401: wrong app id/secret, or a token the server refused twice
    │   ├── NotFound              404: unknown id, or not ready yet (a summary in progress)
    │   │   └── Gone              410: it was there and is no more (an expired link, deleted audio)
    │   ├── Conflict              409: the object is in the wrong state
    │   ├── PayloadTooLarge       413
    │   ├── UnsupportedMedia      415: audio the server cannot decode
    │   ├── RateLimited           429 (``retry_after`` in seconds when the server said)
    │   └── ServerError           5xx
    ├── StreamError               an ``error`` event on a live socket (``reason`` from the server)
    ├── JobFailed                 an async job ended ``failed`` (``job_id``, ``message``)
    └── WebhookInvalid            a webhook call whose signature or time does not verify

Every error carries ``message``; ``APIError`` also ``status_code`` and ``body``.
"""

from __future__ import annotations

from typing import Any


class CallscribeError(Exception):
    """Base of every error the SDK raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransportError(CallscribeError):
    """No usable answer from the server (network, timeout)."""


class ConnectError(TransportError):
    """Connecting to the server failed, even after the retries."""


class Timeout(TransportError):
    """A request, a job or a live conversation took longer than allowed."""


class APIError(CallscribeError):
    """The server answered with an error status; ``message`` is the server's ``message``."""

    status_code: int = 0

    def __init__(self, message: str, *, status_code: int, body: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body

    def __str__(self) -> str:
        return f"{self.status_code}: {self.message}"


class BadRequest(APIError):
    """400/422: a field is missing, invalid, or out of range (the message names it)."""


class AuthenticationError(APIError):
    """401: the app id/secret is wrong, or the server refused a freshly issued token."""


class NotFound(APIError):
    """404: unknown id (or another app's), or a result that is not ready yet."""


class Gone(NotFound):
    """410: it existed and is gone for good (an expired summary link, audio past retention)."""


class Conflict(APIError):
    """409: the object exists but its state does not allow the operation."""


class PayloadTooLarge(APIError):
    """413: the body or upload is over the server's limit."""


class UnsupportedMedia(APIError):
    """415: audio the server cannot decode."""


class RateLimited(APIError):
    """429: a concurrency or rate limit; ``retry_after`` is the server's hint in seconds."""

    def __init__(
        self, message: str, *, status_code: int, body: Any = None, retry_after: float | None
    ) -> None:
        super().__init__(message, status_code=status_code, body=body)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: the server or one of its dependencies failed."""


class StreamError(CallscribeError):
    """The server sent an ``error`` event on a live socket; ``reason`` is machine-readable."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class JobFailed(CallscribeError):
    """An async job ended with status ``failed``; ``message`` is the server's error."""

    def __init__(self, message: str, *, job_id: str) -> None:
        super().__init__(message)
        self.job_id = job_id


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationError,
    404: NotFound,
    409: Conflict,
    410: Gone,
    413: PayloadTooLarge,
    415: UnsupportedMedia,
    422: BadRequest,
}


def error_for(
    status_code: int, body: Any, *, retry_after: float | None = None, fallback: str = ""
) -> APIError:
    """The exception for an error response (``body`` is its decoded JSON, if any)."""
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message:
        message = fallback or f"HTTP {status_code}"
    if status_code == 429:
        return RateLimited(message, status_code=429, body=body, retry_after=retry_after)
    if status_code >= 500:
        return ServerError(message, status_code=status_code, body=body)
    cls = _BY_STATUS.get(status_code, APIError)
    return cls(message, status_code=status_code, body=body)


__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequest",
    "CallscribeError",
    "Conflict",
    "ConnectError",
    "Gone",
    "JobFailed",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "ServerError",
    "StreamError",
    "Timeout",
    "TransportError",
    "UnsupportedMedia",
    "error_for",
]


class WebhookInvalid(CallscribeError):
    """A webhook call that is not from the server, was changed on the way, or is stale."""
