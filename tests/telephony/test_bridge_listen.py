"""Where the bridge simulator listens: a port taken before it binds is a clear error when the
user chose it, and is picked again when the bridge chose it (``--port 0``, the digest gate's
inner port); seen in CI, where another process took a port between its pick and its bind."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from callscribe.bridge import server
from callscribe.bridge.server import BridgeServer, BridgeSettings
from peers import bridge_peer
from peers.bridge_peer import bridge, pjsua2_bridge
from peers.sipp_peer import free_udp_port

pytestmark = pytest.mark.slow


@contextmanager
def held(port: int) -> Iterator[None]:
    """``port`` taken by someone else, for UDP and TCP (SIP listens on both)."""
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp,
    ):
        udp.bind(("127.0.0.1", port))
        tcp.bind(("127.0.0.1", port))
        yield


@pytest.mark.parametrize("auth", [[], ["--auth", "trunk:secret"]], ids=["plain", "trunk"])
def test_a_port_the_user_chose_that_is_taken_is_a_one_line_error(auth: list[str]) -> None:
    port = free_udp_port()
    with held(port):
        done = subprocess.run(
            [sys.executable, "-m", "callscribe", "bridge", "--port", str(port), *auth],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"127.0.0.1:{port} is already in use" in done.stderr
    assert "0 for any free one" in done.stderr


def test_port_zero_takes_a_free_port_and_the_ready_event_names_it() -> None:
    with bridge() as peer:
        assert peer.port > 0
        assert peer.named("ready")[0]["port"] == peer.port
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe,
            pytest.raises(OSError, match="in use"),
        ):
            probe.bind(("127.0.0.1", peer.port))  # the bridge holds it


async def test_an_inner_port_taken_before_the_stack_binds_it_is_picked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the trunk's digest gate listens on the public port and the SIP stack behind it on an
    # inner one: the first inner port picked is taken by the time the stack starts
    public, taken, again = free_udp_port(), free_udp_port(), free_udp_port()
    picks = iter([taken, again])
    monkeypatch.setattr(server, "free_sip_port", lambda host: next(picks))
    events: list[dict[str, Any]] = []
    ready = asyncio.Event()
    settings = BridgeSettings(port=public, auth=("trunk", "secret"))
    with held(taken):
        async with asyncio.TaskGroup() as group:
            task = group.create_task(BridgeServer(settings, events.append).run(ready))
            await asyncio.wait_for(ready.wait(), 30)
            task.cancel()
    assert events[0] == {"event": "ready", "host": "127.0.0.1", "port": public, "auth": True}
    assert next(picks, None) is None  # both picks were used: the taken one, then another


def test_the_independent_bridge_starts_on_another_port_when_its_port_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = free_udp_port()
    picks = iter([taken, free_udp_port()])
    monkeypatch.setattr(bridge_peer, "free_udp_port", lambda: next(picks))
    with held(taken), pjsua2_bridge() as peer:
        assert peer.port != taken
        assert peer.named("ready")[0]["port"] == peer.port
