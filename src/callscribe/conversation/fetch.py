"""Fetching audio by URL for ``/v1/process/audio/url``, within an allow-list and limits.

The host must match a configured pattern; unless private addresses are allowed, a host that
resolves to loopback, link-local or a private range is refused (the server must not become a
way into the network it sits in). Size and time are capped.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from callscribe.errors import PayloadTooLarge, ServiceError, ValidationFailed
from callscribe.hosts import normalise, private_by_name
from callscribe.outbound import PublicOnly, public_transport


@dataclass(frozen=True)
class FetchPolicy:
    allow: tuple[str, ...]
    allow_private: bool
    max_bytes: int
    timeout: float

    @classmethod
    def parse(cls, allow: str, allow_private: bool, max_bytes: int, timeout: float) -> FetchPolicy:
        patterns = tuple(p.strip().lower() for p in allow.split(",") if p.strip())
        return cls(patterns, allow_private, max_bytes, timeout)


def check_url(url: str, policy: FetchPolicy) -> str:
    """The host of ``url`` if the policy allows it; ``ValidationFailed`` naming the rule if not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed(f"url must be http or https, not {parts.scheme or 'nothing'!r}")
    host = normalise(parts.hostname or "")
    if not host:
        raise ValidationFailed("url has no host")
    if not any(fnmatch.fnmatch(host, pattern) for pattern in policy.allow):
        raise ValidationFailed(
            f"url host {host!r} is not in the allow-list (CALLSCRIBE_AUDIO_URL_ALLOW)"
        )
    if not policy.allow_private and (why := private_by_name(host)) is not None:
        raise ValidationFailed(
            f"url host {why}; set CALLSCRIBE_AUDIO_URL_ALLOW_PRIVATE=true to allow it"
        )
    return host


def _refused(host: str, address: str) -> ValidationFailed:
    return ValidationFailed(
        f"url host {host!r} resolves to the non-public address {address}; "
        "set CALLSCRIBE_AUDIO_URL_ALLOW_PRIVATE=true to allow it"
    )


async def download(url: str, policy: FetchPolicy) -> AsyncIterator[bytes]:
    """The body of ``url`` in chunks, refusing what the policy forbids or what is too big."""
    check_url(url, policy)
    transport = None if policy.allow_private else public_transport(PublicOnly(_refused))
    deadline = time.monotonic() + policy.timeout
    try:
        async with (
            httpx.AsyncClient(
                timeout=min(30.0, policy.timeout), follow_redirects=False, transport=transport
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise ServiceError(
                    f"fetching {url} answered HTTP {response.status_code}",
                    retryable=response.status_code >= 500,
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                raise PayloadTooLarge(
                    f"{url} is {declared} bytes, over the limit of {policy.max_bytes}"
                )
            async for chunk in response.aiter_bytes():
                if time.monotonic() > deadline:
                    raise ServiceError(
                        f"fetching {url} took longer than {policy.timeout:.0f} s", retryable=True
                    )
                yield chunk
    except httpx.HTTPError as exc:
        raise ServiceError(f"fetching {url} failed: {exc}", retryable=True) from exc
