"""What the sync and async live sockets share: callback registration and how a socket
that the server refused is told apart from one that ended normally."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from callscribe_sdk._exceptions import StreamError
from callscribe_sdk.models.events import ErrorEvent, LiveEvent, UnknownEvent, parse_event

Callback = Callable[[LiveEvent], Any]

# Close codes the server uses to refuse a socket: policy violation, try again later.
REFUSED = frozenset({1008, 1011, 1013})


class Callbacks:
    """Callbacks by key. A key is an event's ``kind`` (``message_response``,
    ``recognition_result``, …), its wire ``type`` (``message`` gets every message event),
    or ``*`` for every event."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[Callback]] = {}

    def add(self, callbacks: Mapping[str, Callback]) -> None:
        for key, fn in callbacks.items():
            if not callable(fn):
                raise ValueError(f"subscribe: the callback for {key!r} is not callable")
            self._by_key.setdefault(key, []).append(fn)

    def matching(self, event: LiveEvent) -> list[Callback]:
        keys = [event.kind, "*"]
        wire_type = event.raw.get("type")
        if isinstance(wire_type, str) and wire_type != event.kind:
            keys.insert(1, wire_type)
        return [fn for key in keys for fn in self._by_key.get(key, ())]

    def __bool__(self) -> bool:
        return bool(self._by_key)


def decode(message: str | bytes) -> LiveEvent:
    """One socket message as a typed event (never raises)."""
    try:
        return parse_event(json.loads(message))
    except ValueError:
        text = message.decode(errors="replace") if isinstance(message, bytes) else message
        return UnknownEvent(kind="unknown", raw={"text": text[:1000]})


def refusal(close_code: int | None, last_error: ErrorEvent | None) -> StreamError | None:
    """The error to raise when the server closed the socket to refuse or abort it."""
    if close_code in REFUSED:
        if last_error is not None:
            return StreamError(last_error.message, reason=last_error.reason)
        return StreamError(f"the server closed the socket (code {close_code})", reason="closed")
    return None
