"""Fixtures for end-to-end telephony tests: the embedded baresip backend on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from callscribe.telephony.baresip_backend import BaresipBackend
from peers.sipp_peer import free_udp_port


@pytest.fixture
async def baresip_backend() -> AsyncIterator[BaresipBackend]:
    """A started backend listening on a free loopback port (one runtime per process)."""
    backend = BaresipBackend(listen=f"127.0.0.1:{free_udp_port()}", net_interface="127.0.0.1")
    await backend.start()
    try:
        yield backend
    finally:
        await backend.close()
