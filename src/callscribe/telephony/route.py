"""Which local address reaches a SIP target: the route, as the kernel would choose it.

The SIP stack discovers its local addresses once, when it starts, and leaves loopback out: a
peer on this machine (a local Asterisk or FreeSWITCH as the trunk, ``callscribe bridge``) needs
the stack on the loopback interface, any other peer on the network's. Asking the kernel which
source address it would use toward the target (a UDP socket's ``connect`` sends nothing) tells
which. Blocking (name resolution): call off the event loop.
"""

from __future__ import annotations

import ipaddress
import re
import socket

from callscribe.telephony.targets import DialPlan

LOOPBACK = "127.0.0.1"

_HOST_PORT = re.compile(r"^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;?]+)(?::(\d+))?", re.IGNORECASE)


def target_of(plan: DialPlan) -> tuple[str, int]:
    """The host and port the call's INVITE goes to (the trunk's, for a phone number)."""
    if plan.trunk is not None:
        return plan.trunk.host, plan.trunk.port
    found = _HOST_PORT.match(plan.uri)
    if found is None:
        raise ValueError(f"{plan.uri!r} has no host")
    host, port = found.group(1).strip("[]"), found.group(2)
    return host, int(port) if port else 5060


def source_address(host: str, port: int) -> str | None:
    """The local address the kernel would send from toward ``host``; None: no route, or the
    name does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except OSError:
        return None
    for family, kind, proto, _name, address in infos:
        try:
            with socket.socket(family, kind, proto) as probe:
                probe.connect(address)
                return str(probe.getsockname()[0])
        except OSError:
            continue
    return None


def interface_for(plan: DialPlan) -> str | None:
    """The interface the SIP stack needs for ``plan``: loopback for a peer on this machine,
    None (the stack's own discovery) for any other."""
    source = source_address(*target_of(plan))
    if source is not None and ipaddress.ip_address(source.split("%")[0]).is_loopback:
        return LOOPBACK
    return None


__all__ = ["LOOPBACK", "interface_for", "source_address", "target_of"]
