"""A live source end to end: 8 kHz int16 telephone PCM (normalised as a call's is) in,
ordered speech events out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from callscribe.asr import (
    Final,
    Interim,
    LiveEvent,
    LiveRecognizer,
    RecognitionScheduler,
    Recognizer,
    SpeechStarted,
    Transcript,
)
from callscribe.audio.files import decode_file
from callscribe.audio.pcm import Normalizer
from callscribe.audio.segmenter import SegmenterConfig
from callscribe.pipeline import sentences

from .conftest import SlowInterims, corpus, requires_corpus, wav_8k_as_16k

pytestmark = requires_corpus


def _call_audio(prompts: list[corpus.Prompt]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    gap = np.zeros(8000 * 1, dtype=np.float32)
    parts, spans, pos = [gap], [], 1.0
    for prompt in prompts:
        clip = decode_file(prompt.wav, rate=8000)
        parts += [clip, gap]
        spans.append((pos, pos + len(clip) / 8000))
        pos += len(clip) / 8000 + 1.0
    stereo = np.repeat(np.concatenate(parts), 2)  # as a 2-channel leg would deliver it
    return (stereo * 32767).astype(np.int16), spans


async def test_live_events_in_order_with_stream_times(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    prompts = subset20[1:5]
    pcm, spans = _call_audio(prompts)
    events: list[LiveEvent] = []
    async with RecognitionScheduler(tiny) as scheduler:
        live = LiveRecognizer(scheduler, "leg-1", offset=100.0)
        normalizer = Normalizer()

        async def transport() -> None:
            step = 8000 * 2 // 50  # 20 ms frames
            for i in range(0, len(pcm), step):
                live.feed(normalizer.s16le(pcm[i : i + step].tobytes(), 8000, 2))
                if i % (step * 25) == 0:
                    await asyncio.sleep(0)  # let the consumer run, as a socket read would
            live.feed(normalizer.flush())
            live.end()

        async def consume() -> None:
            events.extend([e async for e in live.events()])

        await asyncio.gather(transport(), consume())
    finals = [e for e in events if isinstance(e, Final)]
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    assert len(finals) == len(prompts)
    assert len(starts) == len(prompts)
    assert corpus.wer([p.text for p in prompts], [f.transcript.text for f in finals]) <= 0.1
    # every SpeechStarted precedes its final; interims of an utterance precede its final
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "SpeechStarted"
    for final, (lo, hi) in zip(finals, spans, strict=True):
        assert 100 + lo - 0.4 <= final.start <= 100 + lo + 0.5
        assert 100 + hi - 0.5 <= final.end <= 100 + hi + 0.5
        for word in final.transcript.words:
            assert final.start - 0.01 <= word.start <= word.end <= final.end + 0.01
        assert final.latency >= 0
    for interim in (e for e in events if isinstance(e, Interim)):
        assert interim.text
    assert not live.speaking
    assert 0.5 <= live.silence_for() <= 1.5


class _Counting:
    """The real engine, counting final-quality recognitions."""

    def __init__(self, inner: Recognizer) -> None:
        self.inner, self.name, self.sample_rate = inner, inner.name, inner.sample_rate
        self.finals = 0

    def transcribe(self, audio: np.ndarray) -> Transcript:
        self.finals += 1
        return self.inner.transcribe(audio)

    def transcribe_interim(self, audio: np.ndarray) -> Transcript:
        return self.inner.transcribe_interim(audio)

    def transcribe_batch(
        self, audios: Sequence[np.ndarray], *, interim: bool = False
    ) -> list[Transcript]:
        if interim:
            return self.inner.transcribe_batch(audios, interim=True)
        return [self.transcribe(a) for a in audios]

    def warm_up(self) -> None:
        self.inner.warm_up()


async def _finals_of(
    recognizer: Recognizer,
    audio: np.ndarray,
    *,
    pace: float,
    judge: Callable[[str], bool | None] | None = None,
    workers: int = 1,
) -> list[Final]:
    """The finals of ``audio`` fed 20 ms at a time, ``pace`` seconds apart."""
    async with RecognitionScheduler(recognizer, workers=workers) as scheduler:
        live = LiveRecognizer(scheduler, "leg-1", judge=judge)

        async def transport() -> None:
            for i in range(0, len(audio), 320):
                live.feed(audio[i : i + 320])
                await asyncio.sleep(pace)
            live.end()

        async def consume() -> list[Final]:
            return [e async for e in live.events() if isinstance(e, Final)]

        _, finals = await asyncio.gather(transport(), consume())
    return finals


async def test_early_final_becomes_the_final_without_a_second_recognition(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    prompt = subset20[3]
    silence = np.zeros(16000, dtype=np.float32)
    audio = np.concatenate([silence, wav_8k_as_16k(prompt), silence])
    for paced in (True, False):  # early final running or done / still queued at the end
        counting = _Counting(tiny)
        finals = await _finals_of(counting, audio, pace=0.02 if paced else 0.0)
        assert len(finals) == 1
        assert corpus.wer([prompt.text], [finals[0].transcript.text]) <= 0.2
        assert counting.finals == 1


async def test_speech_after_a_short_gap_discards_the_early_final(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    first, second = subset20[3], subset20[4]
    gap = np.zeros(int(16000 * 0.35), dtype=np.float32)
    silence = np.zeros(16000, dtype=np.float32)
    audio = np.concatenate([silence, wav_8k_as_16k(first), gap, wav_8k_as_16k(second), silence])
    finals = await _finals_of(tiny, audio, pace=0.0)
    assert len(finals) == 1  # one utterance: the gap is shorter than the pause
    assert corpus.wer([f"{first.text} {second.text}"], [finals[0].transcript.text]) <= 0.2


async def test_a_final_does_not_wait_for_its_utterances_running_interim(
    subset20: list[corpus.Prompt],
) -> None:
    engine = SlowInterims(2.0)
    silence = np.zeros(16000, dtype=np.float32)
    audio = np.concatenate([silence, wav_8k_as_16k(subset20[0]), silence])  # ~5 s of speech
    async with RecognitionScheduler(engine, workers=2) as scheduler:
        live = LiveRecognizer(scheduler, "leg-1")
        final_at = 0.0

        async def consume() -> list[LiveEvent]:
            nonlocal final_at
            out = []
            async for event in live.events():
                out.append(event)
                if isinstance(event, Final):
                    final_at = time.monotonic()
            return out

        async with asyncio.TaskGroup() as tasks:
            live.feed(audio[: 16000 * 3])  # an interim starts and takes 2 s...
            reader = tasks.create_task(consume())
            await asyncio.sleep(0.1)  # (the reader is waiting for it)
            live.feed(audio[16000 * 3 :])  # ...the final is instant on the other worker
            live.end()
            ended = time.monotonic()
        finals = [e for e in reader.result() if isinstance(e, Final)]
        assert len(finals) == 1
        assert final_at - ended < 1.0


class _Saying:
    """A stand-in engine whose every recognition is ``text``, at once."""

    name, sample_rate = "saying", 16000

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, audio: np.ndarray) -> Transcript:
        return Transcript(self.text, (), 1.0, 0.0, len(audio) / 16000)

    def transcribe_interim(self, audio: np.ndarray) -> Transcript:
        return self.transcribe(audio)

    def transcribe_batch(
        self, audios: Sequence[np.ndarray], *, interim: bool = False
    ) -> list[Transcript]:
        return [self.transcribe(a) for a in audios]

    def warm_up(self) -> None:
        pass


async def _silence_before_final(text: str, audio: np.ndarray) -> tuple[float, bool]:
    """Stream seconds after the final's audio ends when the final comes out, its words read
    by the sentence judge, and whether it was ended before the usual pause; fed at four times real
    time."""
    async with RecognitionScheduler(_Saying(text)) as scheduler:
        live = LiveRecognizer(scheduler, "leg-1", judge=sentences.reads_finished)
        heard: list[tuple[float, bool]] = []  # (silence heard, ended before the usual pause)

        async def transport() -> None:
            for i in range(0, len(audio), 320):
                live.feed(audio[i : i + 320])
                await asyncio.sleep(0.005)
            live.end()

        async def consume() -> None:
            async for event in live.events():
                if isinstance(event, Final):
                    heard.append((live.stream_time - event.end, event.spared > 0))

        await asyncio.gather(transport(), consume())
    assert len(heard) == 1
    return heard[0]


async def test_the_words_of_the_early_final_set_how_soon_it_is_final(
    subset20: list[corpus.Prompt],
) -> None:
    silence = np.zeros(16000 * 2, dtype=np.float32)
    audio = np.concatenate([silence[:8000], wav_8k_as_16k(subset20[3]), silence])
    config = SegmenterConfig()
    pad = config.pad
    done = await _silence_before_final("Please press the pound key.", audio)
    unsure = await _silence_before_final("please press the pound key", audio)
    going_on = await _silence_before_final("Please press the, and the.", audio)
    assert done[0] == pytest.approx(config.settled_pause - pad, abs=0.1)
    assert unsure[0] == pytest.approx(config.pause - pad, abs=0.1)
    assert going_on[0] == pytest.approx(config.open_pause - pad, abs=0.1)
    assert (done[1], unsure[1], going_on[1]) == (True, False, False)


class _SlowSaying(_Saying):
    """:class:`_Saying` on a slow CPU: every recognition takes ``seconds``."""

    def __init__(self, text: str, seconds: float) -> None:
        super().__init__(text)
        self.seconds = seconds

    def transcribe(self, audio: np.ndarray) -> Transcript:
        time.sleep(self.seconds)
        return super().transcribe(audio)


async def _finals_of_two_turns(text: str, subset20: list[corpus.Prompt]) -> list[Final]:
    """Two prompts 0.3 s apart (0.45 s of quiet with their own edges: a turn gap under the
    usual pause), fed at four times real time to an engine whose words come 0.3 s (1.2 s of
    stream) after it is asked: the verdict on the first prompt's words arrives after the
    second has begun."""
    lead, gap = np.zeros(8000, dtype=np.float32), np.zeros(4800, dtype=np.float32)
    audio = np.concatenate(
        [lead, wav_8k_as_16k(subset20[3]), gap, wav_8k_as_16k(subset20[4]), lead, lead, lead]
    )
    return await _finals_of(
        _SlowSaying(text, 0.3), audio, pace=0.005, judge=sentences.reads_finished, workers=2
    )


async def test_a_finished_sentence_ends_its_utterance_even_when_its_words_come_late(
    subset20: list[corpus.Prompt],
) -> None:
    first_ends = 0.5 + len(wav_8k_as_16k(subset20[3])) / 16000
    finals = await _finals_of_two_turns("Please press the pound key.", subset20)
    assert len(finals) == 2  # cut at the gap, as on a machine that recognises in time
    assert finals[0].end < first_ends + 0.3
    assert finals[1].start > first_ends
    assert 0.0 < finals[0].spared < 0.2
    going_on = await _finals_of_two_turns("Please press the, and the.", subset20)
    assert len(going_on) == 1  # words that plainly go on: one utterance, as before
