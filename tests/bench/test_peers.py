"""bench.peers' WhisperLive client: its protocol against a stand-in server, and how segments
become finals (the real peer lives in its own virtualenv, which only the benchmark installs)."""

from __future__ import annotations

import json

import numpy as np
from websockets.asyncio.server import ServerConnection, serve

from bench.latency.client import StreamLog
from bench.latency.script import Script, Utterance
from bench.peers.whisperlive import Segments, stream


def _segment(start: float, end: float, text: str, completed: bool) -> dict[str, object]:
    return {"start": f"{start:.3f}", "end": f"{end:.3f}", "text": text, "completed": completed}


def test_completed_segments_are_finals_once_and_the_open_one_ends_the_transcript() -> None:
    seen = Segments(StreamLog(), set())
    seen.record({"uid": "u", "segments": [_segment(0.5, 2.0, " Please hold", False)]}, 1.0)
    assert seen.log.finals == []
    assert seen.last_open == "Please hold"
    first = [_segment(0.5, 2.1, " Please hold.", True), _segment(3.0, 3.5, " Good", False)]
    seen.record({"uid": "u", "segments": first}, 2.5)
    seen.record({"uid": "u", "segments": [*first[:1], _segment(3.0, 3.9, "Goodbye.", False)]}, 3.0)
    assert [(a.at, a.start, a.end, a.text) for a in seen.log.finals] == [
        (2.5, 0.5, 2.1, "Please hold.")
    ]
    assert seen.transcript() == "Please hold. Goodbye."
    seen.record({"uid": "u", "status": "WAIT", "message": 2.5}, 4.0)
    assert seen.log.errors == ["WAIT: 2.5"]


async def test_the_client_speaks_whisperlives_protocol() -> None:
    got: dict[str, object] = {"audio": 0}

    async def peer(ws: ServerConnection) -> None:
        got["options"] = json.loads(await ws.recv())
        await ws.send(json.dumps({"uid": "bench-t", "message": "SERVER_READY"}))
        async for frame in ws:
            if frame == b"END_OF_AUDIO":
                break
            assert isinstance(frame, bytes)
            got["audio"] = int(str(got["audio"])) + len(frame) // 4  # float32 samples
            if int(str(got["audio"])) >= 16000:  # a second in: the utterance is complete
                done = [_segment(0.1, 0.6, "One.", True), _segment(1.0, 1.2, "Tw", False)]
                await ws.send(json.dumps({"uid": "bench-t", "segments": done}))
        await ws.close()

    pcm = (np.zeros(16000, dtype="<i2")).tobytes()
    plan = Script(pcm, 16000, (Utterance(0, "one", "one", 0.1, 0.6),))
    async with serve(peer, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        seen = await stream(f"ws://127.0.0.1:{port}", plan, uid="bench-t", tail=0.2)
    options = got["options"]
    assert isinstance(options, dict)
    assert (options["uid"], options["language"], options["use_vad"]) == ("bench-t", "en", True)
    assert got["audio"] == 16000 + round(0.2 * 16000)
    assert seen.log.errors == []
    assert len(seen.log.speech_sent) == 1
    assert [a.text for a in seen.log.finals] == ["One."]
    assert seen.log.finals[0].at >= seen.log.speech_sent[0]
    assert seen.transcript() == "One. Tw"
