"""The streams ladder's scoring knows no server: what each client saw decides a step."""

from __future__ import annotations

from bench.latency.client import Arrival, StreamLog
from bench.latency.script import Script, Utterance
from bench.streams.ladder import plans, tally


def _plan(*spans: tuple[float, float]) -> Script:
    utterances = tuple(Utterance(i, f"u{i}", f"u{i}", a, b) for i, (a, b) in enumerate(spans))
    return Script(b"", 16000, utterances)


def _log(sent: list[float], finals: list[tuple[float, float, float]]) -> StreamLog:
    log = StreamLog(speech_sent=sent)
    log.finals = [Arrival(at, start, end, "text") for at, start, end in finals]
    return log


def test_a_step_passes_with_every_final_on_time_and_fails_on_a_missing_one() -> None:
    two = [_plan((0.5, 2.0), (3.5, 5.0)), _plan((0.9, 2.4))]
    logs = [
        _log([10.0, 13.0], [(10.8, 0.5, 2.0), (14.1, 3.5, 5.0)]),
        _log([20.0], [(21.5, 0.9, 2.4)]),
    ]
    step = tally(two, logs, cpu=30.0, wall=60.0)
    assert (step.streams, step.sent, step.matched, step.finals) == (2, 3, 3, 3)
    assert step.final.max == 1.5
    assert step.cpu_share == 0.5
    assert step.passed
    logs[1].finals.clear()
    missing = tally(two, logs, cpu=30.0, wall=60.0)
    assert (missing.matched, missing.sent) == (2, 3)
    assert not missing.passed


def test_a_step_fails_on_a_late_p95_or_an_error() -> None:
    one = [_plan((0.5, 2.0))]
    assert not tally(one, [_log([10.0], [(12.5, 0.5, 2.0)])], 1.0, 1.0).passed
    errored = _log([10.0], [(10.8, 0.5, 2.0)])
    errored.errors.append("WAIT: 2.5")
    assert not tally(one, [errored], 1.0, 1.0).passed


def test_each_stream_gets_its_own_prompts_and_its_own_lead_in() -> None:
    streams = plans(3, 12.0, 8000)
    assert len(streams) == 3
    assert len({s.utterances[0].text for s in streams}) == 3
    starts = [s.utterances[0].start for s in streams]
    assert starts == sorted(starts)
    assert len(set(starts)) == 3
    assert all(s.rate == 8000 for s in streams)
