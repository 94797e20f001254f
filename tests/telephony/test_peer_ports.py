"""The test peers' SIP port picker: ports reserved for a server not yet bound are not reused."""

from __future__ import annotations

from peers.sipp_peer import free_udp_port


def test_a_port_is_never_handed_out_twice_even_while_unbound() -> None:
    # a server's SIP port stays unbound until its first call; the peer dialled in that call
    # must not be handed the same port (or one of the three above it) meanwhile
    ports = [free_udp_port() for _ in range(300)]
    blocks = [set(range(p, p + 4)) for p in ports]
    assert len(set(ports)) == len(ports)
    assert all(not (a & b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])
