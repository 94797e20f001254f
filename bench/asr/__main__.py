"""Speech benchmark: WER and real-time factor of the live pipeline, and concurrent-source latency.

    .venv/bin/python -m bench.asr                         # both sets, default engine
    .venv/bin/python -m bench.asr --engine moonshine-base --set g722 --limit 60
    .venv/bin/python -m bench.asr --concurrency 4,6,8 --seconds 60   # live latency under load
    .venv/bin/python -m bench.asr --set spanish           # Spanish: live pipeline and Async API

Spanish (``--set spanish``, Debian asterisk-core-sounds-es): the same WER/RTF run with the
multilingual engine told the language, beside the English engine on the same audio (what a
``languageCode`` ignored gave); then a real server's Async Audio API with ``languageCode=es-MX``
against the same upload without it, scored on the stored transcript.

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
import tempfile
import time
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bench import machine
from bench.asr import corpus, spanish
from callscribe.asr import Final, Interim, LiveRecognizer, RecognitionScheduler, create_recognizer
from callscribe.audio.files import decode_file
from callscribe.audio.pcm import Normalizer
from callscribe.audio.segmenter import SegmenterConfig
from callscribe.testing.server import ApiClient, ServerProcess

Spoken = corpus.Prompt | spanish.SpanishPrompt


def _call(prompts: Sequence[Spoken], kind: str) -> tuple[NDArray[np.float32], int]:
    """The prompts end to end with 1 s gaps, at the set's native rate."""
    rate = 16000 if kind == "g722" else 8000
    gap = np.zeros(rate, dtype=np.float32)
    parts: list[NDArray[np.float32]] = [gap]
    for p in prompts:
        clip = (
            corpus.load_g722(p.g722)
            if isinstance(p, corpus.Prompt) and kind == "g722"
            else (decode_file(p.wav, rate=8000))
        )
        parts += [clip, gap]
    return np.concatenate(parts), rate


async def wer_rtf(
    engine: str,
    kind: str,
    limit: int | None,
    threads: int,
    full_window: bool,
    language: str = "en",
    padding: float | None = None,
) -> None:
    prompts: Sequence[Spoken]
    if kind == "es8k":
        prompts = spanish.prompts()[:limit] if limit else spanish.prompts()
    else:
        prompts = corpus.prompts()[:limit] if limit else corpus.prompts()
    audio, rate = _call(prompts, kind)
    recognizer = create_recognizer(
        engine, cpu_threads=threads, full_window=full_window, language=language, padding=padding
    )
    window = getattr(recognizer, "window", None)
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
    error = spanish.wer([ref], [hyp]) if kind == "es8k" else corpus.wer([ref], [hyp])
    speech = sum(len(decode_file(p.wav, rate=8000)) for p in prompts) / 8000
    print(
        f"{engine:18} {kind:6} lang={language:2} prompts={len(prompts):4d} "
        f"utterances={len(finals):4d} "
        f"audio={duration:7.1f}s speech={speech:7.1f}s WER={100 * error:5.2f}% "
        f"RTF={elapsed / duration:.3f} (per speech second {elapsed / speech:.3f}) "
        f"wall={elapsed:6.1f}s"
        + (f"\n    window: {window.describe()}" if window is not None else ""),
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
                    elif isinstance(event, Interim):
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
    parser.add_argument(
        "--set", choices=["wav8k", "g722", "both", "spanish", "none"], default="both"
    )
    parser.add_argument(
        "--multilingual-engine", default="whisper-base", help="engine for --set spanish"
    )
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
    parser.add_argument(
        "--padding",
        type=float,
        default=None,
        help="seconds of padding in Whisper's trimmed window (default: chosen as a server "
        "chooses it, from this CPU's speed)",
    )
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    if not corpus.available():
        raise SystemExit("install Debian asterisk-core-sounds-en, -en-wav and -en-g722 first")
    print(f"bench.asr: {machine.describe()}")
    _run(args)
    print(machine.ending())


def _run(args: argparse.Namespace) -> None:
    """The sets and measurements ``args`` ask for, in order."""
    if args.set == "spanish":
        spanish_sets(args)
        return
    kinds = {"both": ["wav8k", "g722"], "none": []}.get(args.set, [args.set])
    for kind in kinds:
        asyncio.run(
            wer_rtf(
                args.engine,
                kind,
                args.limit,
                args.threads,
                args.full_window,
                padding=args.padding,
            )
        )
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


def spanish_sets(args: argparse.Namespace) -> None:
    """Spanish through the live pipeline (multilingual engine told the language, and the English
    engine as a baseline), then through a real server's Async Audio API."""
    if not spanish.available():
        raise SystemExit("install Debian asterisk-core-sounds-es and -es-wav first")
    limit, threads = args.limit or 60, args.threads
    asyncio.run(wer_rtf(args.multilingual_engine, "es8k", limit, threads, False, "es"))
    asyncio.run(wer_rtf(args.engine, "es8k", limit, threads, False, "en"))
    prompts = spanish.prompts()[:limit]
    with tempfile.TemporaryDirectory(prefix="bench-asr-es-") as work:
        audio, rate = _call(prompts, "es8k")
        upload = Path(work) / "spanish.wav"
        with wave.open(str(upload), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
        reference = " ".join(p.text for p in prompts)
        with ServerProcess(Path(work) / "data") as server:
            api = ApiClient.for_new_app(server)
            for code in (spanish.LANGUAGE_CODE, None):
                started = time.perf_counter()
                params = {"languageCode": code} if code else {}
                r = api.http.post(
                    "/v1/process/audio",
                    content=upload.read_bytes(),
                    params=params,
                    headers={"content-type": "audio/wav"},
                )
                r.raise_for_status()
                job = r.json()
                api.wait_for_job(job["jobId"], timeout=1800)
                elapsed = time.perf_counter() - started
                messages = api.http.get(
                    f"/v1/conversations/{job['conversationId']}/messages"
                ).json()["messages"]
                hypothesis = " ".join(m["text"] for m in messages)
                error = spanish.wer([reference], [hypothesis])
                print(
                    f"Async Audio API languageCode={code or '(none)':6} prompts={len(prompts)} "
                    f"audio={len(audio) / rate:6.1f}s WER={100 * error:5.2f}% "
                    f"wall={elapsed:6.1f}s insightsAvailable={','.join(job['insightsAvailable'])}",
                    flush=True,
                )
            api.close()


if __name__ == "__main__":
    main()
