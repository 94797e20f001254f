"""Live events as bytes, for a bus that crosses processes (Redis Streams).

Each event is JSON ``{"type": <class name>, "data": <its fields>}``; pydantic renders and
reads the dataclasses (nested records, datetimes, tuples) from the type hints, so the values
that come out are the values that went in. Only the event classes of
:mod:`callscribe.events.live` are read back: a payload naming anything else is refused.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, get_args

from pydantic import TypeAdapter

from callscribe.errors import CallscribeError
from callscribe.events.live import LiveEvent

_TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in get_args(LiveEvent)}


class UndecodableEvent(CallscribeError):
    """A payload on the bus is not an event this version knows."""


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    return TypeAdapter(_TYPES[name])


def encode(event: LiveEvent) -> bytes:
    name = type(event).__name__
    data = _adapter(name).dump_python(event, mode="json")
    return json.dumps({"type": name, "data": data}, separators=(",", ":")).encode()


def decode(payload: bytes | str) -> LiveEvent:
    try:
        envelope = json.loads(payload)
        name = envelope["type"]
        if name not in _TYPES:
            raise UndecodableEvent(f"unknown live event type {name!r}")
        event: LiveEvent = _adapter(name).validate_python(envelope["data"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UndecodableEvent(f"a live event could not be read: {exc}") from exc
    return event


__all__ = ["UndecodableEvent", "decode", "encode"]
