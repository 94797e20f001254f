"""Tokens expire while a program runs; the caller must not notice. A real server issues
three-second tokens; clients keep working past many expiries and a stream opened late gets a
fresh token; a server restarted with a new signing key (every old token refused) is
answered by one transparent refresh."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import callscribe_sdk as cs
from callscribe_sdk._auth import jwt_expiry

from callscribe.testing.server import ServerProcess
from tests.sdk.helpers import Speech

TTL = 3
KEY_A = "a" * 40
KEY_B = "b" * 40


def test_sync_client_outlives_its_tokens(tmp_path: Path, speech: Speech) -> None:
    env = {"CALLSCRIBE_TOKEN_TTL_SECONDS": str(TTL), "CALLSCRIBE_JWT_SECRET": KEY_A}
    with ServerProcess(tmp_path / "data", env) as server:
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
            job.wait(timeout=60)
            assert [m.text for m in job.conversation.messages()] == [
                "We should ship on Friday.",
                "Can you send the deck?",
            ]
            with client.stream(speech.wav) as stream:
                stream.wait(timeout=120)
            assert stream.conversation.messages()


def test_a_refused_token_is_replaced_once(tmp_path: Path) -> None:
    """A server restarted with a new signing key refuses every token issued before."""
    env = {"CALLSCRIBE_JWT_SECRET": KEY_A}
    with ServerProcess(tmp_path / "data", env) as server:
        app_id, secret = server.create_app("rotated")
        client = cs.Client(server.base_url, app_id, secret)
        job = client.process_text(["Let's review the budget."])
        job.wait(timeout=60)
        before = client.access_token()  # valid for a day
    rotated = ServerProcess(tmp_path / "data", {"CALLSCRIBE_JWT_SECRET": KEY_B}, port=server.port)
    with rotated, client:
        assert client.conversation(job.conversation_id).info().status == "completed"
        assert client.access_token() != before


async def test_async_client_outlives_its_tokens(tmp_path: Path) -> None:
    env = {"CALLSCRIBE_TOKEN_TTL_SECONDS": str(TTL)}
    with ServerProcess(tmp_path / "data", env) as server:
        app_id, secret = server.create_app("short-tokens")
        async with cs.AsyncClient(server.base_url, app_id, secret) as client:
            tokens = set()
            began = time.monotonic()
            while time.monotonic() - began < 2 * TTL + 1:
                await client.conversations()
                tokens.add(await client.access_token())
                await asyncio.sleep(0.5)
            assert len(tokens) >= 2
