"""HTTP to URLs that clients give us (webhook targets, audio URLs): public addresses only.

Checking a name's addresses and then letting the HTTP client resolve it again leaves a gap: a
DNS answer can change between the two (rebinding), and the request reaches a private address
that was never checked. Here the check is part of the connection: :class:`PublicOnly`, the
network backend of :func:`public_transport`, resolves the host itself, refuses the connection
when any of its addresses is private (:func:`~callscribe.hosts.is_private_address`), and
connects to the address it checked. TLS still verifies the certificate against the host name.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx

from callscribe.errors import ServiceError
from callscribe.hosts import is_private_address

Refusal = Callable[[str, str], Exception]
"""What to raise for (host, private address): each caller names its own setting."""
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (TCP), in the resolver's order."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ServiceError(f"cannot resolve {host}: {exc.strerror}", retryable=True) from exc
    return [str(info[4][0]) for info in infos]


class PublicOnly(httpcore.AsyncNetworkBackend):
    """Connects only to public addresses, to the very address it checked."""

    def __init__(
        self,
        refuse: Refusal,
        *,
        resolver: Resolver = resolve,
        private: Callable[[str], bool] = is_private_address,
    ) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._refuse = refuse
        self._resolve = resolver
        self._private = private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port)
        if not addresses:
            raise ServiceError(f"cannot resolve {host}: no address", retryable=True)
        for address in addresses:
            if self._private(address):
                raise self._refuse(host, address)
        return await self._inner.connect_tcp(
            addresses[0],
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise self._refuse(path, "a local socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def public_transport(backend: PublicOnly) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections go through ``backend`` (no proxies: a proxy
    would resolve the name itself)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx (pinned) builds its connection pool without a way to pass a network backend
    transport._pool._network_backend = backend
    return transport


__all__ = ["PublicOnly", "Refusal", "Resolver", "public_transport", "resolve"]
