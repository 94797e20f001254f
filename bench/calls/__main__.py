"""N simultaneous calls from one process to a streaming sipp peer; CPU per call, frames lost.

Run from the repository root: ``.venv/bin/python -m bench.calls --calls 30 --seconds 20``.
The sink only counts audio (no recogniser), so the figures are the telephony layer's own cost:
baresip's RTP/jitter/decoding thread plus our per-call polling tasks. sipp runs as a separate
process and is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import machine
from callscribe.telephony import CallController, CallResult, SipTarget, TelephonyConfig
from callscribe.telephony.baresip_backend import BaresipBackend
from tests.peers.sipp_peer import free_udp_port, sipp

FRAME_BYTES = 320  # 20 ms of 8 kHz s16 mono (the peer streams PCMU)


@dataclass
class Counter:
    received: int = 0
    first: float | None = None
    last: float = 0.0
    rates: set[tuple[int, int]] = field(default_factory=set)

    def __call__(self, pcm: bytes, rate: int, channels: int) -> None:
        now = time.monotonic()
        if self.first is None:
            self.first = now
        self.last = now
        self.received += len(pcm)
        self.rates.add((rate, channels))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def bench(calls: int, seconds: float) -> None:
    config = TelephonyConfig(answer_timeout=10, media_timeout=5, silence_timeout=3600)
    backend = BaresipBackend(listen=f"127.0.0.1:{free_udp_port()}", net_interface="127.0.0.1")
    await backend.start()
    with tempfile.TemporaryDirectory() as tmp, sipp("stream.xml", Path(tmp), calls=calls) as peer:
        sinks = [Counter() for _ in range(calls)]
        controllers = [
            CallController(backend, SipTarget(peer.uri), config, on_audio=sink, ids={"n": str(i)})
            for i, sink in enumerate(sinks)
        ]
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c.run()) for c in controllers]
            await asyncio.sleep(3)  # all calls set up and streaming
            cpu0, wall0 = cpu_seconds(), time.monotonic()
            bytes0 = [s.received for s in sinks]
            await asyncio.sleep(seconds)
            cpu1, wall1 = cpu_seconds(), time.monotonic()
            bytes1 = [s.received for s in sinks]
            for c in controllers:
                c.stop()
        results: list[CallResult] = [t.result() for t in tasks]
    await backend.close()
    window = wall1 - wall0
    streaming = [i for i, s in enumerate(sinks) if s.first is not None and s.first < wall0]
    expected = int(window * 8000) * 2
    shortfall = [max(0, expected - (bytes1[i] - bytes0[i])) for i in streaming]
    stack_lost = sum(r.lost_bytes for r in results)
    cpu = cpu1 - cpu0
    print(f"calls requested          {calls}")
    print(f"calls streaming          {len(streaming)}")
    print(f"end reasons              {sorted({r.reason.value for r in results})}")
    print(f"audio formats            {sorted(set().union(*(s.rates for s in sinks)))}")
    print(f"measured window          {window:.1f} s")
    print(f"process CPU              {cpu:.2f} s = {100 * cpu / window:.1f} % of one core")
    print(f"CPU per call             {100 * cpu / window / max(1, len(streaming)):.2f} % of a core")
    print(f"frames lost (stack)      {stack_lost // FRAME_BYTES}  (read too slowly)")
    print(f"RTP packets received     {sum(r.rtp_packets for r in results)}")
    print(f"RTP packets lost         {sum(r.rtp_lost for r in results)}  (network)")
    print(f"RTP late/overflow        {sum(r.rtp_late for r in results)}  (jitter buffer)")
    print(
        f"frames short vs clock    {sum(shortfall) // FRAME_BYTES} of "
        f"{len(streaming) * expected // FRAME_BYTES} (poll jitter included)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS                  {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(f"bench.calls: {machine.describe()}")
    asyncio.run(bench(args.calls, args.seconds))
    print(machine.ending())


if __name__ == "__main__":
    main()
