"""The webhook signature scheme (Standard Webhooks) and the target URL rules."""

from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook

from callscribe.actions.webhooks import sign, validate_url, verify_signature
from callscribe.errors import ValidationFailed

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"conversationId":"123","status":"completed"}'


def test_the_signature_is_the_standard_webhooks_one() -> None:
    # the specification's published example
    signed = sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def headers(delivery: str, at: int, signature: str) -> dict[str, str]:
    return {"webhook-id": delivery, "webhook-timestamp": str(at), "webhook-signature": signature}


def test_verify_accepts_the_right_signature_and_nothing_else() -> None:
    now = int(time.time())
    good = headers("d-1", now, sign(SECRET, "d-1", now, BODY))
    assert verify_signature(SECRET, BODY, good)
    assert Webhook(SECRET).verify(BODY, good) == {"conversationId": "123", "status": "completed"}
    assert not verify_signature("whsec_" + "b3RoZXI=", BODY, good)
    assert not verify_signature(SECRET, BODY + b" ", good)
    assert not verify_signature(SECRET, BODY, {**good, "webhook-id": "d-2"})
    assert not verify_signature(SECRET, BODY, {**good, "webhook-timestamp": str(now + 1)})
    assert not verify_signature(SECRET, BODY, {k: v for k, v in good.items() if k != "webhook-id"})


def test_verify_rejects_an_old_timestamp() -> None:
    then = int(time.time()) - 301
    assert not verify_signature(SECRET, BODY, headers("d-1", then, sign(SECRET, "d-1", then, BODY)))


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
