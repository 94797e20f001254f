"""Tokens expire while a program runs; the caller must not notice. A real server issues
three-second tokens: sync and async clients keep working past several expiries and a stream
opened after idling gets a fresh token. A server restarted with a new signing key refuses
every old token; one transparent refresh answers that."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import callscribe_sdk as cs
import httpx
from callscribe_sdk._auth import jwt_expiry

from callscribe.testing.server import ServerProcess
from tests.sdk.helpers import Speech

TTL = 3


async def _async_client_outlives_its_tokens(url: str, app_id: str, secret: str) -> int:
    async with cs.AsyncClient(url, app_id, secret) as client:
        tokens = set()
        began = time.monotonic()
        while time.monotonic() - began < 2 * TTL + 1:
            await client.conversations()
            tokens.add(await client.access_token())
            await asyncio.sleep(0.5)
        return len(tokens)


def test_clients_outlive_their_tokens(tmp_path: Path, speech: Speech) -> None:
    with ServerProcess(tmp_path / "data", {"CALLSCRIBE_TOKEN_TTL_SECONDS": str(TTL)}) as server:
        app_id, secret = server.create_app("short-tokens")
        with cs.Client(server.base_url, app_id, secret) as client:
            job = client.process_text(["We should ship on Friday.", "Can you send the deck?"])
            first = client.access_token()
            expiry = jwt_expiry(first)
            assert expiry is not None
            assert expiry - time.time() <= TTL + 1

            tokens = {first}
            began = time.monotonic()
            while time.monotonic() - began < 3 * TTL:  # three lifetimes of a token
                assert job.conversation.info().id == job.conversation_id
                tokens.add(client.access_token())
                time.sleep(0.5)
            assert len(tokens) >= 3  # replaced before each expiry, silently

            time.sleep(TTL + 1)  # idle past expiry, then use everything again
            assert [m.text for m in job.conversation.messages()] == [
                "We should ship on Friday.",
                "Can you send the deck?",
            ]
            time.sleep(TTL + 1)
            with client.stream(speech.wav) as stream:  # the socket's URL carries a fresh token
                stream.wait(timeout=120)
                assert stream.conversation.messages()

        # The same from asyncio (its own task, its own token).
        assert asyncio.run(_async_client_outlives_its_tokens(server.base_url, app_id, secret)) >= 2


def test_a_refused_token_is_replaced_once(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "data", {"CALLSCRIBE_JWT_SECRET": "a" * 40}) as server:
        app_id, secret = server.create_app("rotated")
        client = cs.Client(server.base_url, app_id, secret)
        client.conversations()
        before = client.access_token()  # valid for a day
    rotated = ServerProcess(
        tmp_path / "data", {"CALLSCRIBE_JWT_SECRET": "b" * 40}, port=server.port
    )
    with rotated, client:
        refused = httpx.get(f"{rotated.base_url}/v1/conversations", headers={"x-api-key": before})
        assert refused.status_code == 401  # the old token really is dead
        assert client.conversations() == []  # ... and the client did not notice
        assert client.access_token() != before
