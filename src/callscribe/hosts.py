"""Which hosts are private: one rule for every URL a client gives us (webhook targets, audio
URLs), applied when the request is made and again when the name is resolved.

A name is compared without its trailing dot: ``localhost.`` is ``localhost``.
"""

from __future__ import annotations

import ipaddress


def normalise(host: str) -> str:
    """Lower case, without the trailing dot of a fully qualified name."""
    return host.lower().rstrip(".")


def is_private_address(address: str) -> bool:
    """Loopback, private, link-local, reserved or multicast: anything not on the internet."""
    ip = ipaddress.ip_address(address.split("%")[0])
    return not ip.is_global or ip.is_multicast


def private_by_name(host: str) -> str | None:
    """Why ``host`` is private by its very name (``localhost``, a literal private address),
    or None when only resolving it can tell."""
    name = normalise(host)
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host!r} is a loopback name"
    try:
        literal = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None
    if is_private_address(str(literal)):
        return f"{host} is a loopback or private address"
    return None


__all__ = ["is_private_address", "normalise", "private_by_name"]
