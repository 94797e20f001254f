"""One exception tree for the whole package.

::

    CallscribeError
    ├── ConfigError                 bad settings; raised at start-up
    ├── EngineUnavailable           an optional engine/model is not installed (says what to install)
    ├── InputError                  the caller sent something we cannot use  -> HTTP 400/413/415/422
    │   ├── ValidationFailed        a field is missing or of the wrong type  -> 400/422
    │   ├── PayloadTooLarge         body over the configured limit           -> 413
    │   └── UnsupportedMedia        audio we cannot decode                   -> 415
    ├── AuthError                   missing, invalid or expired credentials  -> 401
    ├── NotFound                    unknown id, or another app's object      -> 404
    │   └── Gone                    a genuine link that has expired          -> 410
    ├── Conflict                    the object is in the wrong state         -> 409
    ├── LimitExceeded               a concurrency or rate limit              -> 429
    └── ServiceError                a dependency failed (database, SMTP, SIP trunk, recogniser)
        (``retryable`` says whether trying again later may succeed)

Every API error is rendered as JSON ``{"message": ...}`` with the status above; the message
names the field, id or rule at fault, never a stack trace.
"""

from __future__ import annotations


class CallscribeError(Exception):
    """Base of every error callscribe raises on purpose."""

    status_code: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(CallscribeError):
    """Settings are invalid; the process should not start."""


class EngineUnavailable(CallscribeError):
    """An optional engine or model is not installed; the message says what to install."""


class InputError(CallscribeError):
    """The caller sent something we cannot use."""

    status_code = 400


class ValidationFailed(InputError):
    """A field is missing, of the wrong type or out of range."""

    status_code = 400


class PayloadTooLarge(InputError):
    """A request body or upload is over the configured limit."""

    status_code = 413


class UnsupportedMedia(InputError):
    """Audio or a file of a kind we cannot decode."""

    status_code = 415


class RangeNotSatisfiable(InputError):
    """An HTTP ``Range`` past the end of what is asked for; ``size`` is its length."""

    status_code = 416

    def __init__(self, message: str, *, size: int) -> None:
        super().__init__(message)
        self.size = size


class AuthError(CallscribeError):
    """Missing, invalid or expired credentials."""

    status_code = 401


class NotFound(CallscribeError):
    """An unknown id, or an object that belongs to another app (never 403: no leaks)."""

    status_code = 404


class Gone(NotFound):
    """A link that was genuine and has expired (a forged or revoked one is a NotFound)."""

    status_code = 410


class Conflict(CallscribeError):
    """The object exists but is in a state that does not allow the operation."""

    status_code = 409


class LimitExceeded(CallscribeError):
    """A concurrency or rate limit was reached; ``retry_after`` says when to try again, when
    that is known (the HTTP ``Retry-After`` header)."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceError(CallscribeError):
    """A dependency failed. ``retryable`` tells whether trying again later may succeed."""

    status_code = 503

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


__all__ = [
    "AuthError",
    "CallscribeError",
    "ConfigError",
    "Conflict",
    "EngineUnavailable",
    "Gone",
    "InputError",
    "LimitExceeded",
    "NotFound",
    "PayloadTooLarge",
    "RangeNotSatisfiable",
    "ServiceError",
    "UnsupportedMedia",
    "ValidationFailed",
]
