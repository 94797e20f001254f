"""Free local ports, for servers started on demand (the embedded server, test servers)."""

from __future__ import annotations

import socket

from callscribe.errors import ConfigError


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on at ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def free_sip_port(host: str = "127.0.0.1") -> int:
    """A port the OS calls free at ``host`` for both UDP and TCP (SIP listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port: int = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((host, port))
                except OSError:
                    continue
        return port
    raise ConfigError(f"no port free for both UDP and TCP on {host}")


__all__ = ["free_port", "free_sip_port"]
