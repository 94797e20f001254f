"""The test peers' SIP port picker: ports reserved for a server not yet bound are not reused;
a sipp peer whose port is taken before it binds starts on others."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from peers import sipp_peer
from peers.sipp_peer import free_udp_port


def test_a_port_is_never_handed_out_twice_even_while_unbound() -> None:
    # a server's SIP port stays unbound until its first call; the peer dialled in that call
    # must not be handed the same port (or one of the three above it) meanwhile
    ports = [free_udp_port() for _ in range(300)]
    blocks = [set(range(p, p + 4)) for p in ports]
    assert len(set(ports)) == len(ports)
    assert all(not (a & b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])


def test_sipp_starts_on_other_ports_when_its_port_is_taken_before_it_binds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # seen in CI: a port free when picked was bound by another process's RTP socket before
    # sipp started ("Unable to bind main socket, errno = 98")
    taken = free_udp_port()
    picks = iter([taken, free_udp_port()])
    monkeypatch.setattr(sipp_peer, "free_udp_port", lambda: next(picks, None) or free_udp_port())
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", taken))
        with sipp_peer.sipp("stream.xml", tmp_path) as peer:
            assert peer.port != taken
            assert peer.process.poll() is None
