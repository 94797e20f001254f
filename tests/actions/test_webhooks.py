"""The webhook signature scheme and the target URL rules."""

from __future__ import annotations

import pytest

from callscribe.actions.webhooks import check_resolved, sign, validate_url, verify_signature
from callscribe.errors import ServiceError, ValidationFailed

SECRET = "whsec_test"
BODY = b'{"conversationId":"123","status":"completed"}'


def test_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, BODY) == f"v1={expected}"


def test_verify_accepts_the_right_signature_and_nothing_else() -> None:
    sig = sign(SECRET, 1700000000, BODY)
    assert verify_signature(SECRET, "1700000000", BODY, sig, now=1700000010)
    assert not verify_signature("other", "1700000000", BODY, sig, now=1700000010)
    assert not verify_signature(SECRET, "1700000001", BODY, sig, now=1700000010)
    assert not verify_signature(SECRET, "1700000000", BODY + b" ", sig, now=1700000010)
    assert not verify_signature(SECRET, "soon", BODY, sig, now=1700000010)


def test_verify_rejects_an_old_timestamp() -> None:
    sig = sign(SECRET, 1700000000, BODY)
    assert not verify_signature(SECRET, "1700000000", BODY, sig, now=1700000000 + 301)
    assert verify_signature(SECRET, "1700000000", BODY, sig, now=1700000000 + 301, tolerance=600)


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/x", "http://example.org:8080/a?b=c", "https://93.184.216.34/"],
)
def test_public_urls_are_accepted(url: str) -> None:
    assert validate_url(url, allow_private=False) == url


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("ftp://example.com/x", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("http:///nohost", "no host"),
        ("http://user:pw@example.com/", "credentials"),
        ("http://127.0.0.1:9000/hook", "127.0.0.1"),
        ("http://localhost/hook", "localhost"),
        ("http://10.1.2.3/hook", "10.1.2.3"),
        ("http://192.168.0.7/hook", "192.168.0.7"),
        ("http://[::1]/hook", "::1"),
        ("http://169.254.169.254/latest", "169.254.169.254"),
        ("http://example.com:99999/", "not a valid URL"),
    ],
)
def test_bad_or_private_urls_are_refused_by_default(url: str, needle: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_url(url, allow_private=False)
    assert needle in info.value.message


def test_private_urls_are_allowed_when_configured() -> None:
    assert validate_url("http://127.0.0.1:9000/h", allow_private=True)
    with pytest.raises(ValidationFailed):
        validate_url("gopher://127.0.0.1/", allow_private=True)


async def test_a_name_resolving_to_loopback_is_refused_at_send_time() -> None:
    with pytest.raises(ServiceError) as info:
        await check_resolved("http://localhost:1/hook", allow_private=False)
    assert not info.value.retryable
    assert "private address" in info.value.message
    await check_resolved("http://localhost:1/hook", allow_private=True)
