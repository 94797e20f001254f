"""The HTTP and WebSocket API (Symbl-compatible)."""

from callscribe.api.app import create_app

__all__ = ["create_app"]
