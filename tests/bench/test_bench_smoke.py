"""The WebSocket speech benchmarks: their matching logic, and that they run and print figures.

The figures themselves depend on the machine (and on who else is using it), so the end-to-end
runs assert only that every figure is printed and every utterance got its final.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from websockets.asyncio.server import ServerConnection, serve

from bench.latency.client import Arrival, StreamLog, record, stream
from bench.latency.measure import Summary, assign, latencies
from bench.latency.script import Script, Utterance, speech_bounds

ROOT = Path(__file__).resolve().parents[2]


def _utterances() -> list[Utterance]:
    return [Utterance(0, "a", "one", 0.5, 3.0), Utterance(1, "b", "two", 4.5, 6.0)]


def test_finals_match_utterances_by_stream_time_not_order() -> None:
    late_first = Arrival(at=9.0, start=4.4, end=6.1, text="two")
    split_head = Arrival(at=4.0, start=0.4, end=1.8, text="on")
    split_tail = Arrival(at=5.0, start=2.0, end=3.1, text="e")
    stray = Arrival(at=9.5, start=20.0, end=21.0, text="hallucination")
    groups = assign([late_first, split_head, split_tail, stray], _utterances())
    assert groups == [[split_head, split_tail], [late_first]]
    values, unmatched = latencies(
        [late_first, split_head, split_tail, stray], _utterances(), speech_sent=[3.5, 6.5]
    )
    # A split utterance is done when its last part arrives.
    assert values == pytest.approx([5.0 - 3.5, 9.0 - 6.5])
    assert unmatched == 1


def test_an_utterance_without_a_final_is_not_counted() -> None:
    values, unmatched = latencies([Arrival(2.0, 0.5, 2.9, "one")], _utterances(), [1.0, 2.0])
    assert values == [1.0]
    assert unmatched == 0


def test_summary_percentiles_and_pause_shift() -> None:
    s = Summary.of([float(x) for x in range(1, 101)])
    assert (s.count, s.p50, s.max) == (100, pytest.approx(50.5), 100.0)
    assert s.shifted(-0.6).p95 == pytest.approx(s.p95 - 0.6)
    assert Summary.of([]).count == 0


def test_events_are_filed_with_stream_times() -> None:
    log = StreamLog()
    final = {
        "type": "message",
        "message": {
            "type": "recognition_result",
            "isFinal": True,
            "punctuated": {"transcript": "Hello."},
            "duration": {
                "startTime": {"seconds": 1, "nanos": 500_000_000},
                "endTime": {"seconds": 2, "nanos": 250_000_000},
            },
        },
    }
    interim = {"type": "message", "message": {**final["message"], "isFinal": False}}
    message = {
        "type": "message_response",
        "messages": [
            {"payload": {"content": "Hello."}, "duration": {"timeOffset": 1.5, "duration": 0.75}}
        ],
    }
    error = {"type": "message", "message": {"type": "error", "error": {"reason": "bad_audio"}}}
    for event in (final, interim, message, error):
        record(event, 7.0, log)
    assert log.finals == [Arrival(7.0, 1.5, 2.25, "Hello.")]
    assert log.messages == [Arrival(7.0, 1.5, 2.25, "Hello.")]
    assert log.errors == ["bad_audio: None"]


def test_speech_bounds_ignore_silence_and_faint_tails() -> None:
    rate = 8000
    t = np.arange(rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    faint = (0.001 * np.sin(2 * np.pi * 300 * t[: rate // 2])).astype(np.float32)
    silence = np.zeros(rate, np.float32)
    clip = np.concatenate([silence[: rate // 4], tone, faint, silence])
    start, end = speech_bounds(clip, rate)
    assert start == pytest.approx(0.25, abs=0.011)
    assert end == pytest.approx(1.25, abs=0.011)


async def test_a_refused_or_dropped_stream_is_reported_not_raised() -> None:
    """A scripted peer on 127.0.0.1: one refuses the start, the other hangs up mid-audio."""

    async def refuse(ws: ServerConnection) -> None:
        await ws.recv()
        error = {"reason": "too_many_requests", "message": "at the limit"}
        await ws.send(json.dumps({"type": "message", "message": {"type": "error", "error": error}}))
        await ws.close(1013)

    async def hang_up(ws: ServerConnection) -> None:
        await ws.recv()
        for kind in ("started_listening", "recognition_started"):
            await ws.send(json.dumps({"type": "message", "message": {"type": kind}}))
        await ws.recv()
        await ws.close(1011)

    plan = Script(b"\0\0" * 8000, 8000, (Utterance(0, "a", "one", 0.1, 0.5),))
    for handler, expected in ((refuse, "too_many_requests: at the limit"), (hang_up, "socket")):
        async with serve(handler, "127.0.0.1", 0) as peer:
            port = next(iter(peer.sockets)).getsockname()[1]
            log = await stream(f"ws://127.0.0.1:{port}/v1/streaming/x", "t", plan)
        assert log.errors, handler
        assert log.errors[0].startswith(expected), log.errors


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=280
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_latency_benchmark_runs_and_prints_its_figures() -> None:
    out = _run("bench.latency", "--prompts", "3", "--rate", "8000")
    assert "utterances matched 3/3" in out, out
    for label in ("final recognition_result", "message_response"):
        assert re.search(rf"{label} +p50 +\d+\.\d+ s +p95 +\d+\.\d+ s +max", out), out
        assert re.search(rf"{label} - pause +p50", out), out
    assert "pause after a finished sentence (0.40 s; 0.60 s when the words do not say)" in out
    # figures from different machines are never compared blind
    assert re.search(r"machine: .+ \(avx2 (yes|no), avx512f (yes|no)\); load average", out), out
    assert re.search(r"before, load average [\d.]+ on \d+ cores after the run", out), out


@pytest.mark.slow
def test_streams_benchmark_quick_run_prints_every_step() -> None:
    out = _run("bench.streams", "--quick")
    steps = re.findall(r"N= ?(\d+) +utterances +(\d+) +with final +(\d+)", out)
    assert [int(n) for n, _, _ in steps] == [1, 2], out
    assert all(sent == got and int(sent) > 0 for _, sent, got in steps), out
    assert re.search(r"final +p50 +\d+\.\d+ s +p95 +\d+\.\d+ s", out), out
    assert re.search(r"largest N meeting the criteria: \d+|no N met the criteria", out), out
    assert re.search(r"machine: .+ \(avx2 (yes|no), avx512f (yes|no)\); load average", out), out
    assert re.search(r"load average [\d.]+ on \d+ cores at the end\n$", out), out


@pytest.mark.slow
def test_speaker_changes_at_pauses_benchmark_prints_its_figures() -> None:
    out = _run("bench.speakers.pauses", "--limit", "1")
    for line in ("16k", "8k"):
        found = re.search(
            rf"{line}: (\d+) pauses compared, (\d+) with a change of speaker; changes found "
            r"(\d+): precision [\d.na]+, recall [\d.na]+; of (\d+) changes of speaker in the "
            r"calls, (\d+) had a pause compared and (\d+) \(\d+%\) were found there; "
            r"CPU \d+ ms per audio second",
            out,
        )
        assert found, out
        assert int(found[1]) > 0, out
        assert int(found[4]) >= int(found[5]) >= int(found[6]), out
        assert int(found[4]) > 0, out
    assert re.search(r"pauses: .+ \(avx2 (yes|no), avx512f (yes|no)\); load average", out), out
