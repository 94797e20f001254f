"""The default engine on real speech: WER bounds at 8 kHz and 16 kHz, timings, confidences."""

from __future__ import annotations

import numpy as np
import pytest

from callscribe.asr import Recognizer, Transcript

from .conftest import corpus, requires_corpus, wav_8k_as_16k

pytestmark = requires_corpus


def test_wer_8k_telephone_wav(tiny: Recognizer, subset20: list[corpus.Prompt]) -> None:
    hyps = [tiny.transcribe(wav_8k_as_16k(p)).text for p in subset20]
    assert corpus.wer([p.text for p in subset20], hyps) <= 0.08


def test_wer_16k_g722(tiny: Recognizer, subset20: list[corpus.Prompt]) -> None:
    results = [(p, corpus.load_g722(p.g722)) for p in subset20]
    hyps = [tiny.transcribe(audio).text for _, audio in results]
    assert corpus.wer([p.text for p in subset20], hyps) <= 0.08


def _check_timings(result: Transcript, duration: float) -> None:
    assert result.words
    assert 0.0 <= result.confidence <= 1.0
    previous = 0.0
    for word in result.words:
        assert 0.0 <= word.start <= word.end <= duration + 1e-6
        assert word.start >= previous - 0.05
        assert 0.0 <= word.probability <= 1.0
        previous = word.start


def test_punctuated_text_word_timings_inside_audio(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    for prompt in subset20[:5]:
        audio = wav_8k_as_16k(prompt)
        result = tiny.transcribe(audio)
        _check_timings(result, len(audio) / 16000)
        assert result.text[0].isupper()
        assert result.text.rstrip()[-1] in ".?!"
        joined = " ".join(w.word for w in result.words)
        assert joined.replace(" ", "") == result.text.replace(" ", "")


def test_batch_matches_one_by_one(tiny: Recognizer, subset20: list[corpus.Prompt]) -> None:
    audios = [wav_8k_as_16k(p) for p in subset20[:3]]
    single = [tiny.transcribe(a) for a in audios]
    batch = tiny.transcribe_batch(audios)
    assert corpus.wer([s.text for s in single], [b.text for b in batch]) <= 0.1
    for result, audio in zip(batch, audios, strict=True):
        _check_timings(result, len(audio) / 16000)


def test_interim_is_text_only(tiny: Recognizer, subset20: list[corpus.Prompt]) -> None:
    audio = wav_8k_as_16k(subset20[0])
    interim = tiny.transcribe_interim(audio)
    assert corpus.wer([subset20[0].text], [interim.text]) <= 0.25
    assert interim.words == ()


def test_silence_and_empty_give_empty_transcripts(tiny: Recognizer) -> None:
    assert tiny.transcribe(np.zeros(0, dtype=np.float32)).empty
    assert tiny.transcribe(np.zeros(16000 * 2, dtype=np.float32)).text in ("", "you", "You")


@pytest.mark.parametrize("offset", [0.0, 12.5])
def test_shifted_moves_every_time(
    tiny: Recognizer, subset20: list[corpus.Prompt], offset: float
) -> None:
    result = tiny.transcribe(wav_8k_as_16k(subset20[1]))
    moved = result.shifted(offset)
    assert moved.words[0].start == pytest.approx(result.words[0].start + offset)
    assert moved.end == pytest.approx(result.end + offset)


def test_packed_interims_share_out_segment_text(
    tiny: Recognizer, subset20: list[corpus.Prompt]
) -> None:
    prompts = subset20[2:6]
    results = tiny.transcribe_batch([wav_8k_as_16k(p) for p in prompts], interim=True)
    assert all(r.text and r.words == () for r in results)
    assert corpus.wer([p.text for p in prompts], [r.text for r in results]) <= 0.15
