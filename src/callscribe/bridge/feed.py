"""A meeting platform's active-speaker feed, played from a meeting's script.

Zoom, Teams and Meet tell a bot who is speaking; over a phone dial-in nobody does, so the
demo and the benchmarks play that part: each line of the script becomes a ``started_speaking``
event on the Telephony API's ``eventUrl`` when the line starts, as a platform would send it —
with a ``timestamp`` (ISO 8601, the moment the line starts at the bridge), or without one and
``jitter`` seconds early or late, as a feed that only reports on arrival.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from callscribe.bridge.meeting import Line


@dataclass(frozen=True, slots=True)
class Feed:
    """How the feed reports: with timestamps, and how late or early it may arrive."""

    timestamps: bool = True
    jitter: float = 0.0
    seed: int = 0


def user_of(speaker: str) -> dict[str, str]:
    """The user a script's speaker is announced as."""
    return {"userId": f"{speaker.lower()}@example.com", "name": speaker}


Body = dict[str, object]


def schedule(lines: Sequence[Line], started_at: float, feed: Feed) -> list[tuple[float, Body]]:
    """``(send at, event body)`` for each line, in sending order (epoch seconds)."""
    rng = random.Random(feed.seed)
    out: list[tuple[float, Body]] = []
    for line in lines:
        moment = started_at + line.start
        body: Body = {"type": "started_speaking", "user": user_of(line.speaker)}
        if feed.timestamps:
            body["timestamp"] = datetime.fromtimestamp(moment, UTC).isoformat(
                timespec="milliseconds"
            )
        out.append((moment + rng.uniform(-feed.jitter, feed.jitter), body))
    return sorted(out, key=lambda item: item[0])


async def announce(
    http: httpx.AsyncClient,
    event_url: str,
    lines: Sequence[Line],
    started_at: float,
    feed: Feed | None = None,
) -> None:
    """Send the script's speaker events on time; ``started_at`` is the meeting's first sample
    (epoch seconds, as the bridge reports it)."""
    for send_at, body in schedule(lines, started_at, feed or Feed()):
        await asyncio.sleep(max(0.0, send_at - time.time()))
        response = await http.post(event_url, json=body)
        if response.status_code == 404:  # the call has ended
            return


__all__ = ["Feed", "announce", "schedule", "user_of"]
