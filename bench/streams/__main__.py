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

from bench import machine
from bench.latency import server
from bench.streams.ladder import P95_LIMIT, show, step
from callscribe.audio.segmenter import SegmenterConfig

LADDER = (1, 2, 4, 6, 8, 10, 12, 16)


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
