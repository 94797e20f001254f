"""Speech benchmark: WER and real-time factor of the live pipeline, and concurrent-source latency.

    .venv/bin/python -m bench.asr                         # both sets, default engine
    .venv/bin/python -m bench.asr --engine moonshine-base --set g722 --limit 60
    .venv/bin/python -m bench.asr --concurrency 4,6,8 --seconds 60   # live latency under load

WER/RTF: the filtered Asterisk prompts are laid end to end with 1 s gaps, as one call, and fed
through ``LiveRecognizer`` (resample → VAD end-pointing → scheduler → engine) as fast as it
runs; WER is scored on the whole call's text (segmentation-agnostic). Concurrency: N sources
fed in real time (20 ms frames) with interims on; reports final latency (end of utterance
detected → text ready) percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import numpy as np
from numpy.typing import NDArray

from bench.asr import corpus
from callscribe.asr import Final, LiveRecognizer, RecognitionScheduler, create_recognizer
from callscribe.audio.files import decode_file
from callscribe.audio.pcm import Normalizer
from callscribe.audio.segmenter import SegmenterConfig


def _call(prompts: list[corpus.Prompt], kind: str) -> tuple[NDArray[np.float32], int]:
    """The prompts end to end with 1 s gaps, at the set's native rate."""
    rate = 8000 if kind == "wav8k" else 16000
    gap = np.zeros(rate, dtype=np.float32)
    parts: list[NDArray[np.float32]] = [gap]
    for p in prompts:
        clip = decode_file(p.wav, rate=8000) if kind == "wav8k" else corpus.load_g722(p.g722)
        parts += [clip, gap]
    return np.concatenate(parts), rate


async def wer_rtf(
    engine: str, kind: str, limit: int | None, threads: int, full_window: bool
) -> None:
    prompts = corpus.prompts()[:limit] if limit else corpus.prompts()
    audio, rate = _call(prompts, kind)
    recognizer = create_recognizer(engine, cpu_threads=threads, full_window=full_window)
    finals: list[Final] = []
    config = SegmenterConfig(interims=False)
    async with RecognitionScheduler(recognizer) as scheduler:
        live = LiveRecognizer(scheduler, kind, config=config)
        normalizer = Normalizer()
        started = time.perf_counter()

        async def feed() -> None:
            step = rate // 10
            for i in range(0, len(audio), step):
                live.feed(normalizer.floats(audio[i : i + step], rate, 1))
                if i % (step * 50) == 0:
                    await asyncio.sleep(0)
            live.feed(normalizer.flush())
            live.end()

        async def read() -> None:
            finals.extend([e async for e in live.events() if isinstance(e, Final)])

        await asyncio.gather(feed(), read())
        elapsed = time.perf_counter() - started
    duration = len(audio) / rate
    hyp = " ".join(f.transcript.text for f in finals)
    ref = " ".join(p.text for p in prompts)
    error = corpus.wer([ref], [hyp])
    speech = sum(len(decode_file(p.wav, rate=8000)) for p in prompts) / 8000
    print(
        f"{engine:18} {kind:6} prompts={len(prompts):4d} utterances={len(finals):4d} "
        f"audio={duration:7.1f}s speech={speech:7.1f}s WER={100 * error:5.2f}% "
        f"RTF={elapsed / duration:.3f} (per speech second {elapsed / speech:.3f}) "
        f"wall={elapsed:6.1f}s",
        flush=True,
    )


async def concurrency(
    engine: str,
    sources: int,
    seconds: float,
    threads: int,
    workers: int,
    batch: int,
    full_window: bool,
) -> None:
    recognizer = create_recognizer(
        engine, cpu_threads=threads, num_workers=workers, full_window=full_window
    )
    prompts = corpus.prompts()
    rng = np.random.default_rng(sources)
    latencies: list[float] = []
    interims = 0
    async with RecognitionScheduler(recognizer, workers=workers, max_batch=batch) as scheduler:

        async def source(index: int) -> None:
            nonlocal interims
            order = rng.permutation(len(prompts))
            parts: list[NDArray[np.float32]] = []
            total = 0
            gap = np.zeros(int(8000 * 0.8), dtype=np.float32)
            for j in order:
                clip = decode_file(prompts[j].wav, rate=8000)
                parts += [clip, gap]
                total += len(clip) + len(gap)
                if total > seconds * 8000:
                    break
            audio = np.concatenate(parts)[: int(seconds * 8000)]
            live = LiveRecognizer(scheduler, f"src{index}")
            normalizer = Normalizer()

            async def feed() -> None:
                await asyncio.sleep(index * 0.37)  # stagger, as real calls are
                t0 = time.perf_counter()
                frame = 160  # 20 ms at 8 kHz
                for n, i in enumerate(range(0, len(audio), frame)):
                    live.feed(normalizer.floats(audio[i : i + frame], 8000, 1))
                    delay = t0 + (n + 1) * 0.02 - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                live.feed(normalizer.flush())
                live.end()

            async def read() -> None:
                nonlocal interims
                async for event in live.events():
                    if isinstance(event, Final):
                        latencies.append(event.latency)
                    else:
                        interims += 1

            await asyncio.gather(feed(), read())

        started, cpu0 = time.perf_counter(), os.times()
        await asyncio.gather(*(source(i) for i in range(sources)))
        wall, cpu1 = time.perf_counter() - started, os.times()
        stats = scheduler.stats
    lat = np.array(latencies)
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    print(
        f"{engine:18} sources={sources:2d} workers={workers} threads={threads} batch={batch} "
        f"finals={len(lat):4d} final-latency p50={np.percentile(lat, 50):.2f}s "
        f"p95={np.percentile(lat, 95):.2f}s max={lat.max():.2f}s "
        f"interims shown={stats.interims} shed={stats.interims_shed} "
        f"early finals run={stats.early} withdrawn unrun={stats.early_withdrawn} "
        f"busy={stats.busy_seconds / wall:.0%} ("
        + ", ".join(f"{k} {v / wall:.0%}" for k, v in sorted(stats.busy_by_kind.items()))
        + f") wall={wall:.0f}s "
        f"cpu per source-second={cpu / (sources * seconds):.3f} core-s "
        f"(=> ~{2 * sources * seconds / cpu:.1f} sources fill 2 idle cores)",
        flush=True,
    )


def latency(engine: str, threads: int, full_window: bool) -> None:
    """Unloaded per-utterance latency by length, and packed-batch vs one-by-one throughput."""
    recognizer = create_recognizer(engine, cpu_threads=threads, full_window=full_window)
    recognizer.warm_up()
    long_prompt = next(p for p in corpus.prompts() if p.name == "conf-adminmenu")
    speech = decode_file(corpus.SOUNDS / f"{long_prompt.name}.wav")
    for seconds in (1, 3, 5, 10, 15):
        clip = speech[: seconds * 16000]
        recognizer.transcribe(clip)
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            recognizer.transcribe(clip)
            runs.append(time.perf_counter() - t0)
        print(f"{engine:18} utterance {seconds:2d}s -> final text in {min(runs):.2f}s (best of 3)")
    clips = [decode_file(p.wav) for p in corpus.subset(6, max_seconds=4.0)]
    t0 = time.perf_counter()
    for clip in clips:
        recognizer.transcribe(clip)
    single = time.perf_counter() - t0
    t0 = time.perf_counter()
    recognizer.transcribe_batch(clips)
    packed = time.perf_counter() - t0
    speech_s = sum(len(c) for c in clips) / 16000
    print(
        f"{engine:18} {len(clips)} utterances ({speech_s:.1f}s): one by one {single:.2f}s, "
        f"packed batch {packed:.2f}s ({single / packed:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.asr", description=__doc__)
    parser.add_argument("--engine", default="whisper-tiny.en")
    parser.add_argument("--set", choices=["wav8k", "g722", "both", "none"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="first N prompts only")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", default="", help="e.g. 4,6,8 live sources")
    parser.add_argument("--batch", type=int, default=8, help="finals per recogniser call")
    parser.add_argument("--latency", action="store_true", help="per-utterance latency table")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each live source")
    parser.add_argument(
        "--full-window", action="store_true", help="Whisper encodes its whole 30 s window"
    )
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    if not corpus.available():
        raise SystemExit("install Debian asterisk-core-sounds-en, -en-wav and -en-g722 first")
    print(f"machine: {os.cpu_count()} cores (shared with other jobs while measuring)")
    kinds = {"both": ["wav8k", "g722"], "none": []}.get(args.set, [args.set])
    for kind in kinds:
        asyncio.run(wer_rtf(args.engine, kind, args.limit, args.threads, args.full_window))
    if args.latency:
        latency(args.engine, args.threads, args.full_window)
    for n in [int(x) for x in args.concurrency.split(",") if x.strip()]:
        asyncio.run(
            concurrency(
                args.engine,
                n,
                args.seconds,
                args.threads,
                args.workers,
                args.batch,
                args.full_window,
            )
        )


if __name__ == "__main__":
    main()
