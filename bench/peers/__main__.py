"""callscribe and WhisperLive on the same prompts, streamed in turns, scored the same way.

    .venv/bin/python -m bench.peers                 # 30 prompts, two rounds each
    .venv/bin/python -m bench.peers --prompts 10 --rounds 1
    .venv/bin/python -m bench.peers --streams 1,2,4,8   # simultaneous streams to each, in turns

Both servers start once (callscribe with its defaults, WhisperLive with its own, on the same
Whisper tiny.en files) and are warmed up with one utterance; then one 16 kHz stream of real
prompts goes to each in turn, callscribe first, ``--rounds`` times, so a change in the
machine's load falls on both. Per side: latency from the send of an utterance's last speech
sample to the final text covering it (callscribe's final ``recognition_result``,
WhisperLive's ``completed`` segment), the word error rate of the whole stream as its user
reads it, and the server's CPU over the stream.

``--streams`` runs bench.streams' ladder against both instead: at each N, N simultaneous 16 kHz
streams of the same prompts go to callscribe, then to WhisperLive (its own defaults: a limit of 4
clients, which connections opened together got past here; a client told to wait would count as
an error); a step passes under bench.streams' rule (final p95 <= 2 s from end of speech, a final
for every utterance, no error). WhisperLive sends no separate messages, so it has no message
line.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass, field

from bench import machine
from bench.asr import corpus
from bench.latency import client, script, server
from bench.latency.measure import Summary, latencies
from bench.peers import whisperlive
from bench.streams import ladder as streams
from callscribe.audio.segmenter import SegmenterConfig

RATIO = 0.5
"""callscribe's p50 and p95 should each be at most this share of the peer's."""


@dataclass(slots=True)
class Side:
    """One server's figures over all its rounds."""

    name: str
    latencies: list[float] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    transcripts: list[str] = field(default_factory=list)
    cpu: float = 0.0
    wall: float = 0.0
    matched: int = 0
    sent: int = 0
    errors: list[str] = field(default_factory=list)

    def add(
        self, log: client.StreamLog, text: str, plan: script.Script, cpu: float, wall: float
    ) -> None:
        found, _stray = latencies(log.finals, plan.utterances, log.speech_sent)
        self.latencies += found
        self.matched += len(found)
        self.sent += len(plan.utterances)
        self.references.append(" ".join(u.text for u in plan.utterances))
        self.transcripts.append(text)
        self.cpu += cpu
        self.wall += wall
        self.errors += log.errors

    @property
    def summary(self) -> Summary:
        return Summary.of(self.latencies)

    @property
    def wer(self) -> float:
        return corpus.wer(self.references, self.transcripts)

    @property
    def core_share(self) -> float:
        return self.cpu / self.wall if self.wall else float("nan")

    def line(self) -> str:
        s = self.summary
        return (
            f"  {self.name:12} p50 {s.p50:6.3f} s  p95 {s.p95:6.3f} s  max {s.max:6.3f} s  "
            f"WER {100 * self.wer:5.2f} %  CPU {100 * self.core_share:4.0f} % of a core  "
            f"finals for {self.matched}/{self.sent} utterances"
            + (f"  errors {len(self.errors)}: {self.errors[0]}" if self.errors else "")
        )


def _finals_text(log: client.StreamLog) -> str:
    return " ".join(a.text for a in sorted(log.finals, key=lambda a: a.start))


async def _callscribe(target: server.Target, plan: script.Script, side: Side, n: int) -> None:
    cpu0, wall0 = target.cpu_seconds(), time.monotonic()
    log = await client.stream(target.url(f"bench-peers-{n}"), target.token, plan)
    side.add(log, _finals_text(log), plan, target.cpu_seconds() - cpu0, time.monotonic() - wall0)


async def _whisperlive(peer: whisperlive.Peer, plan: script.Script, side: Side, n: int) -> None:
    cpu0, wall0 = peer.cpu_seconds(), time.monotonic()
    seen = await whisperlive.stream(peer.url, plan, uid=f"bench-peers-{n}")
    side.add(seen.log, seen.transcript(), plan, peer.cpu_seconds() - cpu0, time.monotonic() - wall0)


async def run(prompts: int, rounds: int, gap: float) -> None:
    chosen = script.pool()
    step = max(1, len(chosen) // prompts)
    plan = script.build(chosen[::step][:prompts], 16000, gap=gap)
    warm = script.build(chosen[:1], 16000, gap=1.0)
    print(
        f"bench.peers: callscribe and WhisperLive on {len(plan.utterances)} prompts "
        f"({plan.seconds:.0f} s, LINEAR16 16 kHz, 20 ms chunks at real-time pace), "
        f"{rounds} round(s), callscribe first in each"
    )
    print(f"  machine: {machine.describe()}", flush=True)
    ours, theirs = Side("callscribe"), Side("WhisperLive")
    with server.running() as target, whisperlive.running() as peer:
        await server.warm_up(target, 16000)
        await whisperlive.stream(peer.url, warm, uid="bench-peers-warm-up")
        for n in range(rounds):
            await _callscribe(target, plan, ours, n)
            await _whisperlive(peer, plan, theirs, n)
            print(f"  round {n + 1}: {machine.load()}", flush=True)
    print("  latency from the send of an utterance's last speech sample to its final text:")
    print(ours.line())
    print(theirs.line())
    a, b = ours.summary, theirs.summary
    print(
        f"  callscribe / WhisperLive: p50 {a.p50 / b.p50:.2f}, p95 {a.p95 / b.p95:.2f}, "
        f"CPU {ours.core_share / theirs.core_share:.2f}; WER {100 * ours.wer:.2f} vs "
        f"{100 * theirs.wer:.2f} %"
    )
    verdict = (
        a.p50 <= RATIO * b.p50
        and a.p95 <= RATIO * b.p95
        and ours.wer < theirs.wer
        and ours.core_share < theirs.core_share
    )
    print(
        f"  target (callscribe p50 and p95 <= {RATIO} x WhisperLive's, lower WER, lower CPU): "
        f"{'met' if verdict else 'NOT met'}"
    )
    print(f"  {machine.ending()}")


async def _peer_step(peer: whisperlive.Peer, n: int, seconds: float) -> streams.Step:
    plans = streams.plans(n, seconds, 16000)
    cpu0, wall0 = peer.cpu_seconds(), time.monotonic()
    async with asyncio.TaskGroup() as tg:
        tasks = [
            tg.create_task(whisperlive.stream(peer.url, plan, uid=f"bench-n{n}-s{i}"))
            for i, plan in enumerate(plans)
        ]
    wall = time.monotonic() - wall0
    logs = [task.result().log for task in tasks]
    return streams.tally(plans, logs, peer.cpu_seconds() - cpu0, wall)


async def run_streams(ladder: list[int], seconds: float) -> None:
    """bench.streams' ladder against both servers, callscribe first at each N."""
    pause = SegmenterConfig().pause_after(True)
    print(
        f"bench.peers --streams: callscribe and WhisperLive, N simultaneous streams of ~"
        f"{seconds:.0f} s each (LINEAR16 16 kHz, 20 ms chunks at real-time pace); pass = final "
        f"p95 <= {streams.P95_LIMIT} s from end of speech, a final for every utterance, no error"
    )
    print(f"  machine: {machine.describe()}", flush=True)
    best = {"callscribe": 0, "WhisperLive": 0}
    with server.running() as target, whisperlive.running() as peer:
        await server.warm_up(target, 16000)
        await whisperlive.stream(peer.url, script.build(script.pool()[:1], 16000), uid="warm")
        for n in ladder:
            ours = await streams.step(target, n, seconds, 16000)
            streams.show(ours, pause, "callscribe   ")
            theirs = await _peer_step(peer, n, seconds)
            streams.show(theirs, pause, "WhisperLive  ")
            print(flush=True, end="")
            for name, result in (("callscribe", ours), ("WhisperLive", theirs)):
                if result.passed:
                    best[name] = max(best[name], n)
    print(
        "  largest N meeting the criteria: "
        + ", ".join(f"{name} {n or 'none'}" for name, n in best.items())
    )
    print(f"  {machine.ending()}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    parser.add_argument("--prompts", type=int, default=30, help="utterances per stream")
    parser.add_argument("--rounds", type=int, default=2, help="streams to each server, in turns")
    parser.add_argument("--gap", type=float, default=1.5, help="silence after each prompt, s")
    parser.add_argument(
        "--streams", help="comma-separated N: simultaneous streams to each server, in turns"
    )
    parser.add_argument(
        "--seconds", type=float, default=45.0, help="audio per stream per step (--streams)"
    )
    args = parser.parse_args()
    if args.streams:
        try:
            ladder = [int(x) for x in args.streams.split(",") if x.strip()]
        except ValueError:
            ladder = []
        if not ladder or min(ladder) < 1:
            parser.error("--streams takes positive numbers, such as 1,2,4,8")
        asyncio.run(run_streams(ladder, args.seconds))
    else:
        asyncio.run(run(args.prompts, args.rounds, args.gap))


if __name__ == "__main__":
    main()
