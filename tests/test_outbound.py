"""HTTP to client-given URLs connects only to public addresses, to the address it checked:
a DNS answer cannot change between the check and the connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from callscribe.actions.webhooks import WebhookSender
from callscribe.conversation.fetch import FetchPolicy, download
from callscribe.errors import ServiceError, ValidationFailed
from callscribe.outbound import PublicOnly, public_transport


class Refused(Exception):
    pass


def refuse(host: str, address: str) -> Exception:
    return Refused(f"{host} -> {address}")


def ten_is_private(address: str) -> bool:
    """A test policy: 10/8 is private, and this machine's loopback stands in for the internet."""
    return address.startswith("10.")


@pytest.fixture
async def web() -> AsyncIterator[tuple[int, list[bytes]]]:
    """An HTTP server on loopback that records each request's head."""
    heads: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1], heads


def client(resolver: object) -> httpx.AsyncClient:
    backend = PublicOnly(refuse, resolver=resolver, private=ten_is_private)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=public_transport(backend))


async def test_the_connection_goes_to_the_checked_address(web: tuple[int, list[bytes]]) -> None:
    port, heads = web
    asked: list[str] = []

    async def resolver(host: str, _port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]  # the system resolver has never heard of hooks.example

    async with client(resolver) as http:
        answer = await http.get(f"http://hooks.example:{port}/x")
    assert answer.text == "ok"
    assert asked == ["hooks.example"]
    assert f"host: hooks.example:{port}".encode() in heads[0].lower()


async def test_a_private_answer_is_refused_before_connecting(web: tuple[int, list[bytes]]) -> None:
    port, heads = web
    answers = iter([["127.0.0.1"], ["10.0.0.7", "127.0.0.1"]])  # rebound on the second look

    async def resolver(_host: str, _port: int) -> list[str]:
        return next(answers)

    async with client(resolver) as http:
        assert (await http.get(f"http://hooks.example:{port}/")).status_code == 200
    async with client(resolver) as http:
        with pytest.raises(Refused, match=r"hooks\.example -> 10\.0\.0\.7"):
            await http.get(f"http://hooks.example:{port}/")
    assert len(heads) == 1


async def test_a_webhook_to_a_loopback_address_is_refused_and_not_retried() -> None:
    sender = WebhookSender(timeout=5, allow_private=False)
    try:
        with pytest.raises(ServiceError) as info:
            await sender.post(
                "http://127.0.0.1:9/hook",
                {"x": 1},
                event="conversation.completed",
                delivery_id="d",
                secret=None,
                now=0,
            )
    finally:
        await sender.close()
    assert not info.value.retryable
    assert "private address" in info.value.message
    assert "CALLSCRIBE_WEBHOOK_ALLOW_PRIVATE" in info.value.message


def loopback_name() -> str:
    """A name other than localhost that this machine's hosts file maps to loopback."""
    for line in Path("/etc/hosts").read_text().splitlines():
        fields = line.split("#")[0].split()
        if fields and fields[0] in ("127.0.0.1", "::1"):
            for name in fields[1:]:
                if name != "localhost" and "localhost" not in name:
                    return name
    pytest.skip("the hosts file maps no name but localhost to loopback")


async def test_an_audio_url_resolving_to_a_private_address_names_the_setting(
    web: tuple[int, list[bytes]],
) -> None:
    port, heads = web
    policy = FetchPolicy.parse("*", False, 1000, 5)
    with pytest.raises(ValidationFailed) as info:
        async for _chunk in download(f"http://{loopback_name()}:{port}/a.wav", policy):
            pass
    assert "resolves to the non-public address 127.0.0.1" in info.value.message
    assert "CALLSCRIBE_AUDIO_URL_ALLOW_PRIVATE" in info.value.message
    assert heads == []
    allowed = FetchPolicy.parse("*", True, 1000, 5)
    assert [c async for c in download(f"http://{loopback_name()}:{port}/a.wav", allowed)] == [b"ok"]
