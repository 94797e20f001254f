"""One Streaming API client: sends a :class:`Script` at real-time pace in 20 ms chunks and
timestamps, on one monotonic clock, when each utterance's last speech sample left and when
each final ``recognition_result`` and ``message_response`` arrived.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.latency.script import Script

CHUNK_S = 0.02
COMPLETE_TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class Arrival:
    """A final result or message spanning ``start``..``end`` stream seconds, received ``at``."""

    at: float
    start: float
    end: float
    text: str


@dataclass(slots=True)
class StreamLog:
    """Everything one stream observed, in ``time.monotonic()`` seconds."""

    speech_sent: list[float] = field(default_factory=list)  # per utterance
    finals: list[Arrival] = field(default_factory=list)
    messages: list[Arrival] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    max_send_lag: float = 0.0  # how far the sender fell behind the audio's own clock
    completed: bool = False


def start_request(rate: int, title: str, *, speaker: bool = True) -> str:
    """``speaker``: name the stream's speaker (else the server tells speakers apart by voice)."""
    request: dict[str, Any] = {
        "type": "start_request",
        "insightTypes": ["question", "action_item", "follow_up"],
        "config": {
            "meetingTitle": title,
            "speechRecognition": {"encoding": "LINEAR16", "sampleRateHertz": rate},
        },
    }
    if speaker:
        request["speaker"] = {"userId": "bench@example.com", "name": "Bench"}
    return json.dumps(request)


def _seconds(d: dict[str, Any]) -> float:
    return int(d.get("seconds", 0)) + int(d.get("nanos", 0)) / 1e9


def record(event: dict[str, Any], at: float, log: StreamLog) -> None:
    """File one received event into ``log`` (sans-I/O: the caller supplies ``at``)."""
    kind = event.get("type")
    if kind == "message_response":
        for m in event.get("messages", []):
            d = m["duration"]
            offset = float(d["timeOffset"])
            log.messages.append(
                Arrival(at, offset, offset + float(d["duration"]), m["payload"]["content"])
            )
        return
    if kind != "message":
        return
    message = event["message"]
    mtype = message.get("type")
    if mtype == "recognition_result" and message.get("isFinal"):
        span = message["duration"]
        log.finals.append(
            Arrival(
                at,
                _seconds(span["startTime"]),
                _seconds(span["endTime"]),
                message["punctuated"]["transcript"],
            )
        )
    elif mtype == "error":
        err = message.get("error", {})
        log.errors.append(f"{err.get('reason')}: {err.get('message')}")
    elif mtype == "conversation_completed":
        log.completed = True


async def _read(ws: ClientConnection, log: StreamLog) -> None:
    async for raw in ws:
        record(json.loads(raw), time.monotonic(), log)


async def stream(
    url: str, token: str, script: Script, *, title: str = "bench", speaker: bool = True
) -> StreamLog:
    """Stream ``script`` over a fresh socket; returns once the conversation has completed.

    A refused start, a dropped socket or a conversation that never completes is recorded in
    ``errors`` (the benchmark reports it) rather than raised.
    """
    log = StreamLog()
    try:
        async with connect(f"{url}?access_token={token}", max_size=None) as ws:
            await _session(ws, script, title, log, speaker)
    except* ConnectionClosed as group:
        log.errors.append(f"socket closed: {group.exceptions[0]}")
    except* TimeoutError:
        log.errors.append(f"no conversation_completed within {COMPLETE_TIMEOUT:.0f} s")
    return log


async def _session(
    ws: ClientConnection, script: Script, title: str, log: StreamLog, speaker: bool
) -> None:
    chunk = round(script.rate * CHUNK_S) * 2
    ends = [round(u.end * script.rate) * 2 for u in script.utterances]  # byte offsets
    await ws.send(start_request(script.rate, title, speaker=speaker))
    for _ in range(2):  # started_listening, recognition_started (or a refusal)
        record(json.loads(await ws.recv()), time.monotonic(), log)
        if log.errors:
            return
    async with asyncio.TaskGroup() as tg:
        reader = tg.create_task(_read(ws, log))
        began = time.monotonic()
        pending = 0
        for offset in range(0, len(script.pcm), chunk):
            await ws.send(script.pcm[offset : offset + chunk])
            sent = time.monotonic()
            while pending < len(ends) and ends[pending] <= offset + chunk:
                log.speech_sent.append(sent)
                pending += 1
            audio_clock = (offset + chunk) / 2 / script.rate
            ahead = audio_clock - (sent - began)
            if ahead > 0:
                await asyncio.sleep(ahead)
            else:
                log.max_send_lag = max(log.max_send_lag, -ahead)
        await ws.send(json.dumps({"type": "stop_request"}))
        await asyncio.wait_for(reader, COMPLETE_TIMEOUT)
