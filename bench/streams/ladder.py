"""One rung of the streams ladder: N real-time streams at once, scored from what each client saw.

``step`` streams to callscribe; ``plans`` and ``tally`` know no server, so ``bench.peers
--streams`` puts WhisperLive on the same ladder with the same audio and the same rule.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bench import machine
from bench.latency import client, script, server
from bench.latency.measure import Summary, latencies

P95_LIMIT = 2.0
GAP = 1.5


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the ladder, pooled over its streams."""

    streams: int
    sent: int
    matched: int
    finals: int
    errors: tuple[str, ...]
    final: Summary
    message: Summary
    send_lag: float
    cpu_share: float
    wall: float

    @property
    def passed(self) -> bool:
        return self.matched == self.sent and not self.errors and self.final.p95 <= P95_LIMIT


def plans(n: int, seconds: float, rate: int) -> list[script.Script]:
    """``n`` streams' audio: each its own prompts, and a lead-in that staggers their ends."""
    pool = script.pool()
    stride = max(1, len(pool) // max(n, 1))
    return [
        script.build(
            script.rotation(pool, i * stride + 7 * n, seconds, GAP),
            rate,
            gap=GAP,
            lead=0.5 + 0.37 * i,
        )
        for i in range(n)
    ]


def tally(
    plans: list[script.Script], logs: list[client.StreamLog], cpu: float, wall: float
) -> Step:
    """One step's figures from what each stream's client saw (any server: see bench.peers)."""
    finals: list[float] = []
    messages: list[float] = []
    matched = sent = received = 0
    errors: list[str] = []
    lag = 0.0
    for plan, log in zip(plans, logs, strict=True):
        f, _ = latencies(log.finals, plan.utterances, log.speech_sent)
        m, _ = latencies(log.messages, plan.utterances, log.speech_sent)
        finals += f
        messages += m
        matched += len(f)
        sent += len(plan.utterances)
        received += len(log.finals)
        errors += log.errors
        lag = max(lag, log.max_send_lag)
    return Step(
        len(plans),
        sent,
        matched,
        received,
        tuple(errors),
        Summary.of(finals),
        Summary.of(messages),
        lag,
        cpu / wall,
        wall,
    )


async def step(
    target: server.Target, n: int, seconds: float, rate: int, voices: bool = False
) -> Step:
    streams = plans(n, seconds, rate)
    cpu0, wall0 = target.cpu_seconds(), time.monotonic()
    async with asyncio.TaskGroup() as tg:
        tasks = [
            tg.create_task(
                client.stream(
                    target.url(f"bench-n{n}-s{i}"), target.token, plan, speaker=not voices
                )
            )
            for i, plan in enumerate(streams)
        ]
    wall = time.monotonic() - wall0
    logs = [task.result() for task in tasks]
    return tally(streams, logs, target.cpu_seconds() - cpu0, wall)


def show(s: Step, pause: float, label: str = "") -> None:
    print(
        f"{label}N={s.streams:2d}  utterances {s.sent:3d}  with final {s.matched:3d}"
        f"  finals {s.finals:3d}"
        f"  errors {len(s.errors)}  {'PASS' if s.passed else 'FAIL'}"
    )
    print(f"      final   {s.final.line()}   (- pause: p95 {s.final.p95 - pause:6.3f} s)")
    if s.message.count:
        print(f"      message {s.message.line()}")
    print(
        f"      server CPU {100 * s.cpu_share:.0f} % of one core over {s.wall:.0f} s; "
        f"slowest sender fell {s.send_lag * 1000:.0f} ms behind real time; "
        f"{machine.load()}"
    )
    for e in s.errors[:3]:
        print(f"      error: {e}")


__all__ = ["GAP", "P95_LIMIT", "Step", "plans", "show", "step", "tally"]
