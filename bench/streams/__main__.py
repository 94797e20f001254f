"""The most simultaneous real-time streams one server sustains on this machine.

    .venv/bin/python -m bench.streams                  # N = 1, 2, 4, 6, 8, 10, 12, 16; ~60 s each
    .venv/bin/python -m bench.streams --max 6 --seconds 45
    .venv/bin/python -m bench.streams --quick          # N = 1, 2; 15 s each (smoke run)

One real ``callscribe serve`` (default settings) is started and warmed up. For each N in the
ladder, N clients stream at once, each over its own socket with its own sequence of real
prompts (1.5 s of silence after each), in 20 ms chunks at real-time pace. A step passes when
the p95 latency from end of speech to final result is at most 2 s, every utterance sent got
a final (a missing one is audio lost), and no ``error`` event arrived. The ladder stops at the
first failing step unless ``--keep-going``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass

from bench import machine
from bench.latency import client, script, server
from bench.latency.measure import Summary, latencies
from callscribe.audio.segmenter import SegmenterConfig

LADDER = (1, 2, 4, 6, 8, 10, 12, 16)
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


async def step(
    target: server.Target, n: int, seconds: float, rate: int, voices: bool = False
) -> Step:
    pool = script.pool()
    stride = max(1, len(pool) // max(n, 1))
    plans = [
        # each stream its own prompts, and a lead-in that staggers their utterance ends
        script.build(
            script.rotation(pool, i * stride + 7 * n, seconds, GAP),
            rate,
            gap=GAP,
            lead=0.5 + 0.37 * i,
        )
        for i in range(n)
    ]
    cpu0, wall0 = target.cpu_seconds(), time.monotonic()
    async with asyncio.TaskGroup() as tg:
        tasks = [
            tg.create_task(
                client.stream(
                    target.url(f"bench-n{n}-s{i}"), target.token, plan, speaker=not voices
                )
            )
            for i, plan in enumerate(plans)
        ]
    wall = time.monotonic() - wall0
    cpu = target.cpu_seconds() - cpu0
    finals: list[float] = []
    messages: list[float] = []
    matched = sent = received = 0
    errors: list[str] = []
    lag = 0.0
    for plan, task in zip(plans, tasks, strict=True):
        log = task.result()
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
        n,
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


def show(s: Step, pause: float) -> None:
    print(
        f"N={s.streams:2d}  utterances {s.sent:3d}  with final {s.matched:3d}  finals {s.finals:3d}"
        f"  errors {len(s.errors)}  {'PASS' if s.passed else 'FAIL'}"
    )
    print(f"      final   {s.final.line()}   (- pause: p95 {s.final.p95 - pause:6.3f} s)")
    print(f"      message {s.message.line()}")
    print(
        f"      server CPU {100 * s.cpu_share:.0f} % of one core over {s.wall:.0f} s; "
        f"slowest sender fell {s.send_lag * 1000:.0f} ms behind real time; "
        f"{machine.load()}"
    )
    for e in s.errors[:3]:
        print(f"      error: {e}")


async def run(
    ladder: list[int], seconds: float, rate: int, keep_going: bool, voices: bool = False
) -> None:
    pause = SegmenterConfig().pause_after(True)
    print(
        f"bench.streams: LINEAR16 {rate} Hz, 20 ms chunks, real-time pace, ~{seconds:.0f} s of "
        f"audio per stream per step; pass = final p95 <= {P95_LIMIT} s from end of speech, "
        f"a final for every utterance, no error events (the end-pointing pause, {pause:.2f} s "
        "after a finished sentence, is included in every latency)"
        + ("; no speaker given: the server separates voices" if voices else ""),
        flush=True,
    )
    print(f"machine: {machine.describe()}", flush=True)
    best = 0
    with server.running() as target:
        await server.warm_up(target, rate)
        for n in ladder:
            result = await step(target, n, seconds, rate, voices)
            show(result, pause)
            print(flush=True, end="")
            if result.passed:
                best = max(best, n)
            elif not keep_going:
                break
    print(f"largest N meeting the criteria: {best}" if best else "no N met the criteria")
    print(machine.ending())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.streams", description=__doc__)
    parser.add_argument("--max", type=int, default=LADDER[-1], help="largest N to try")
    parser.add_argument("--ladder", help="comma-separated N values (overrides the default)")
    parser.add_argument("--seconds", type=float, default=60.0, help="audio per stream per step")
    parser.add_argument("--rate", type=int, choices=(8000, 16000), default=8000)
    parser.add_argument("--keep-going", action="store_true", help="run every step")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: N = 1, 2 (both run), 15 s each"
    )
    parser.add_argument(
        "--voices",
        action="store_true",
        help="streams give no speaker, so the server tells speakers apart by voice",
    )
    args = parser.parse_args()
    ladder = [int(x) for x in args.ladder.split(",")] if args.ladder else list(LADDER)
    ladder = [n for n in ladder if 0 < n <= args.max]
    seconds = args.seconds
    if args.quick:
        ladder, seconds = [n for n in ladder if n <= 2] or [1], 15.0
    asyncio.run(run(ladder, seconds, args.rate, args.keep_going or args.quick, args.voices))


if __name__ == "__main__":
    main()
