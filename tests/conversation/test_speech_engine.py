"""The live speech engine gives each recognition worker its own copy of the model.

Two scheduler workers on one CTranslate2 replica run one after the other inside it: two
utterances recognised at once took as long as one after the other, and on two cores
bench.streams sustained 2 streams instead of 10.
"""

from __future__ import annotations

import threading

import pytest

from callscribe.asr.whisper import WhisperRecognizer
from callscribe.audio import vad
from callscribe.conversation.speech import SpeechEngine


@pytest.mark.parametrize("workers", [1, 2, 3])
async def test_each_recognition_worker_has_its_own_replica_of_the_model(workers: int) -> None:
    speech = SpeechEngine("whisper-tiny.en", cpu_threads=1, beam_size=1, workers=workers)
    try:
        scheduler = await speech.scheduler()
        recognizer = scheduler.recognizer
        assert isinstance(recognizer, WhisperRecognizer)
        assert scheduler.workers == workers
        assert recognizer._model().model.num_workers == workers
    finally:
        await speech.close()


def test_workers_left_unset_are_one_per_usable_cpu_at_most_eight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from callscribe import config

    for cpus, workers in ((1, 1), (2, 2), (6, 6), (32, 8)):
        monkeypatch.setattr(config, "usable_cpus", lambda n=cpus: n)
        assert config.Settings(asr_workers=None).recognition_workers == workers
    assert config.Settings(asr_workers=3).recognition_workers == 3


async def test_a_source_loads_its_voice_activity_model_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loading Silero VAD takes 60-90 ms per source; on the loop, streams starting together
    would stall every call's audio (and a stalled reader loses it)."""
    loaded_on: list[int] = []
    load = vad.VoiceActivity.__init__

    def recording(self: vad.VoiceActivity) -> None:
        loaded_on.append(threading.get_ident())
        load(self)

    monkeypatch.setattr(vad.VoiceActivity, "__init__", recording)
    speech = SpeechEngine("whisper-tiny.en", cpu_threads=1, beam_size=1, workers=1)
    try:
        source = await speech.open_source("s1")
        source.end()
    finally:
        await speech.close()
    assert len(loaded_on) == 1
    assert loaded_on[0] != threading.get_ident()
