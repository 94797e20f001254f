"""The HTTP and WebSocket API (Symbl-compatible)."""

from callscribe.api.app import KEEP_ALIVE_SECONDS, create_app

__all__ = ["KEEP_ALIVE_SECONDS", "create_app"]
