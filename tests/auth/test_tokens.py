"""Tokens and secrets as values: the clock is a parameter, so expiry is tested exactly."""

from __future__ import annotations

import jwt
import pytest

from callscribe.auth.secrets import hash_secret, verify_secret
from callscribe.auth.tokens import TokenIssuer
from callscribe.errors import AuthError

KEY = "k" * 48


def test_token_carries_exp_and_app_and_expires_exactly() -> None:
    issuer = TokenIssuer(KEY, ttl_seconds=600)
    issued = issuer.issue("app-1", now=1_000_000)
    assert issued.expires_in == 600
    claims = jwt.decode(issued.access_token, options={"verify_signature": False})
    assert claims["exp"] == 1_000_600
    assert claims["sub"] == "app-1"
    assert issuer.verify(issued.access_token, now=1_000_599).app_id == "app-1"
    with pytest.raises(AuthError, match="expired"):
        issuer.verify(issued.access_token, now=1_000_600)


def test_token_from_another_key_or_tampered_is_invalid() -> None:
    token = TokenIssuer(KEY, 600).issue("app-1").access_token
    with pytest.raises(AuthError, match="invalid"):
        TokenIssuer("x" * 48, 600).verify(token)
    head, body, sig = token.split(".")
    with pytest.raises(AuthError, match="invalid"):
        TokenIssuer(KEY, 600).verify(f"{head}.{body}x.{sig}")


def test_secret_hash_verifies_only_the_secret() -> None:
    stored = hash_secret("correct horse")
    assert stored.startswith("scrypt$")
    assert "correct horse" not in stored
    assert verify_secret("correct horse", stored)
    assert not verify_secret("wrong horse", stored)
    assert not verify_secret("correct horse", "not-a-hash")
    assert hash_secret("same") != hash_secret("same")  # salted
