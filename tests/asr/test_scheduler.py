"""The asyncio scheduler with the real default engine: priority, shedding, fairness, shutdown."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

from callscribe.asr import RecognitionScheduler, Recognizer
from callscribe.asr.queue import JobQueue
from callscribe.errors import ServiceError

from .conftest import SlowInterims, corpus, requires_corpus, wav_8k_as_16k

pytestmark = requires_corpus


async def test_finals_first_interims_shed_all_sources_served(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    audios = [wav_8k_as_16k(p) for p in subset20[:4]]
    async with RecognitionScheduler(tiny, interim_ttl=0.5) as scheduler:
        interims = []
        finals = []
        for round_ in range(3):
            for source, audio in enumerate(audios):
                interims.append(scheduler.submit_interim(f"s{source}", audio[: 16000 * 2]))
                if round_ == 2:
                    finals.append(scheduler.submit_final(f"s{source}", audio))
        results = await asyncio.gather(*finals)
        interim_results = await asyncio.gather(*interims)
    texts = [r.text for r in results if r is not None]
    assert len(texts) == 4
    assert corpus.wer([p.text for p in subset20[:4]], texts) <= 0.1
    # per source only the newest interim can survive, and a queued one dies when its final comes
    assert sum(r is not None for r in interim_results) <= 1
    assert scheduler.stats.interims_shed >= 11
    assert scheduler.stats.finals == 4


async def test_fairness_under_load(tiny: Recognizer, subset20: list[corpus.Prompt]) -> None:
    short = wav_8k_as_16k(subset20[1])
    done: list[str] = []
    async with RecognitionScheduler(tiny) as scheduler:

        async def one(source: str) -> None:
            await scheduler.final(source, short)
            done.append(source)

        jobs = [one("chatty") for _ in range(4)] + [one("quiet")]
        await asyncio.gather(*jobs)
    assert done.index("quiet") <= 1


async def test_shutdown_fails_queued_finals_retryably(tiny: Recognizer) -> None:
    scheduler = RecognitionScheduler(tiny)
    await scheduler.start()
    futures = [scheduler.submit_final("a", np.zeros(16000, np.float32)) for _ in range(5)]
    await scheduler.close()
    outcomes = await asyncio.gather(*futures, return_exceptions=True)
    errors = [o for o in outcomes if isinstance(o, ServiceError)]
    assert errors
    assert all(e.retryable for e in errors)
    with pytest.raises(ServiceError, match="not running"):
        scheduler.submit_final("a", np.zeros(16000, np.float32))


async def test_promoted_early_final_runs_once_as_a_final(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    busy, audio = wav_8k_as_16k(subset20[2]), wav_8k_as_16k(subset20[3])
    async with RecognitionScheduler(tiny) as scheduler:
        blocker = scheduler.submit_final("other", busy)  # the worker is taken...
        await asyncio.sleep(0)
        early = scheduler.submit_early("a", audio)  # ...so this one waits in the queue
        scheduler.promote("a", early)
        result = await early
        await blocker
    assert result is not None
    assert corpus.wer([subset20[3].text], [result.text]) <= 0.2
    assert (scheduler.stats.finals, scheduler.stats.early) == (2, 0)


async def test_withdrawn_early_final_is_not_run(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    busy, audio = wav_8k_as_16k(subset20[2]), wav_8k_as_16k(subset20[3])
    async with RecognitionScheduler(tiny) as scheduler:
        blocker = scheduler.submit_final("other", busy)
        await asyncio.sleep(0)
        early = scheduler.submit_early("a", audio)
        scheduler.withdraw("a")
        assert await early is None
        scheduler.withdraw("a")  # nothing queued: a no-op
        ran = await scheduler.submit_early("a", audio)  # not withdrawn: runs after the final
        await blocker
    assert ran is not None
    assert ran.words
    assert scheduler.stats.early_withdrawn == 1
    assert (scheduler.stats.finals, scheduler.stats.early) == (1, 1)


async def test_workers_wait_for_a_busy_interim_slot_without_spinning() -> None:
    scheduler = RecognitionScheduler(SlowInterims(0.5), workers=2, interim_share=1.0)
    takes = 0

    class Counting(JobQueue[Any]):
        def take(self, *args: Any, **kwargs: Any) -> Any:
            nonlocal takes
            takes += 1
            return super().take(*args, **kwargs)

    scheduler._queue = Counting(ttl=1.0)
    async with scheduler:
        audio = np.zeros(16000, np.float32)
        first = scheduler.submit_interim("a", audio)  # occupies the only interim slot...
        await asyncio.sleep(0.05)
        second = scheduler.submit_interim("b", audio)  # ...so this one waits for it
        final = await scheduler.final("c", audio)  # the other worker stays free for finals
        assert final.text == "final"
        assert not first.done()
        await asyncio.gather(first, second)
    assert takes < 50  # a worker polling the busy slot takes thousands of times in 0.5 s
