"""Whisper via faster-whisper (CTranslate2, int8 on CPU).

Models load lazily and once per process per (path, threads, workers): a server with many
sources shares one copy. CTranslate2 pads every call to a 30 s window, so the fixed cost per call
dominates short utterances; :meth:`WhisperRecognizer.transcribe_batch` runs several utterances
through one padded batch, which is how throughput grows with concurrent sources.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from callscribe.asr.types import Audio, Transcript, Word, confidence_of
from callscribe.errors import EngineUnavailable, ServiceError
from callscribe.log import get_logger

log = get_logger(__name__)

_models: dict[tuple[str, int, int, str], Any] = {}
_models_lock = threading.Lock()

_GAP = 1.0
"""Seconds of silence between utterances laid end to end for a batch (keeps clips apart)."""


def _load(path: str, cpu_threads: int, num_workers: int, compute_type: str) -> Any:
    key = (path, cpu_threads, num_workers, compute_type)
    with _models_lock:
        if key not in _models:
            from faster_whisper import WhisperModel

            log.info("loading whisper model", path=path, cpu_threads=cpu_threads)
            try:
                _models[key] = WhisperModel(
                    path,
                    device="cpu",
                    compute_type=compute_type,
                    cpu_threads=cpu_threads,
                    num_workers=num_workers,
                    local_files_only=True,
                )
            except Exception as exc:  # CTranslate2/huggingface raise many kinds
                raise EngineUnavailable(f"cannot load Whisper model {path}: {exc}") from exc
        return _models[key]


def _require_faster_whisper() -> None:
    try:
        import faster_whisper  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailable(
            "Whisper engines need faster-whisper: pip install faster-whisper==1.2.1"
        ) from exc


class WhisperRecognizer:
    """A faster-whisper model directory (or a model name already in the local cache)."""

    sample_rate = 16000

    def __init__(
        self,
        model: str | Path,
        *,
        name: str | None = None,
        cpu_threads: int = 2,
        num_workers: int = 1,
        beam_size: int = 5,
        compute_type: str = "int8",
        english_only: bool = True,
    ) -> None:
        _require_faster_whisper()
        self.model_path = str(model)
        self.name = name or f"faster-whisper:{model}"
        self.cpu_threads = cpu_threads
        self.num_workers = num_workers
        self.beam_size = beam_size
        self.compute_type = compute_type
        self.language = "en" if english_only else None

    def _model(self) -> Any:
        return _load(self.model_path, self.cpu_threads, self.num_workers, self.compute_type)

    def warm_up(self) -> None:
        """Load the model now rather than on the first call."""
        self._model()

    def transcribe(self, audio: Audio) -> Transcript:
        """Beam search, word timestamps, no conditioning on earlier text (segments stand alone)."""
        if len(audio) == 0:
            return Transcript("")
        try:
            segments, _info = self._model().transcribe(
                np.asarray(audio, dtype=np.float32),
                language=self.language,
                beam_size=self.beam_size,
                condition_on_previous_text=False,
                word_timestamps=True,
                vad_filter=False,
                temperature=(0.0, 0.4, 0.8),
            )
            return _collect(list(segments), len(audio) / self.sample_rate)
        except EngineUnavailable:
            raise
        except Exception as exc:
            raise ServiceError(f"{self.name} failed: {exc}", retryable=False) from exc

    def transcribe_interim(self, audio: Audio) -> Transcript:
        """Greedy, without timestamps: the cheapest hypothesis for live display."""
        if len(audio) == 0:
            return Transcript("")
        segments, _info = self._model().transcribe(
            np.asarray(audio, dtype=np.float32),
            language=self.language,
            beam_size=1,
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,
            temperature=0.0,
        )
        text = " ".join(s.text.strip() for s in segments).strip()
        return Transcript(text, (), 0.0, 0.0, len(audio) / self.sample_rate)

    def transcribe_batch(self, audios: Sequence[Audio]) -> list[Transcript]:
        """Several utterances (each ≤ 30 s) in one batched pass; results in input order."""
        if len(audios) <= 1:
            return [self.transcribe(a) for a in audios]
        from faster_whisper import BatchedInferencePipeline

        gap = np.zeros(int(_GAP * self.sample_rate), dtype=np.float32)
        parts: list[Audio] = []
        clips: list[dict[str, float]] = []
        pos = 0
        for audio in audios:
            clips.append({"start": pos / self.sample_rate, "end": (pos + len(audio)) / 16000})
            parts.extend([np.asarray(audio, dtype=np.float32), gap])
            pos += len(audio) + len(gap)
        pipeline = BatchedInferencePipeline(self._model())
        try:
            segments, _info = pipeline.transcribe(
                np.concatenate(parts),
                language=self.language,
                beam_size=self.beam_size,
                word_timestamps=True,
                vad_filter=False,
                clip_timestamps=clips,
                batch_size=len(audios),
                temperature=0.0,
            )
            per_clip: list[list[Any]] = [[] for _ in audios]
            for seg in segments:
                mid = (seg.start + seg.end) / 2
                index = next(
                    (i for i, c in enumerate(clips) if c["start"] - 0.5 <= mid < c["end"] + 0.5),
                    None,
                )
                if index is not None:
                    per_clip[index].append(seg)
        except Exception as exc:
            raise ServiceError(f"{self.name} batch failed: {exc}", retryable=False) from exc
        return [
            _collect(segs, len(audio) / self.sample_rate, offset=clip["start"])
            for segs, audio, clip in zip(per_clip, audios, clips, strict=True)
        ]


def _collect(segments: list[Any], duration: float, offset: float = 0.0) -> Transcript:
    """Join faster-whisper segments, dropping ones Whisper itself marks as non-speech.

    ``offset`` is where this audio began in the engine's input (batches lay clips end to end).
    """
    kept = [
        s
        for s in segments
        if s.text.strip() and not (s.no_speech_prob > 0.6 and s.avg_logprob < -1.0)
    ]
    words = tuple(
        Word(
            word=w.word.strip(),
            start=round(max(0.0, min(float(w.start) - offset, duration)), 3),
            end=round(max(0.0, min(float(w.end) - offset, duration)), 3),
            probability=round(float(w.probability), 4),
        )
        for s in kept
        for w in (s.words or [])
        if w.word.strip()
    )
    text = " ".join(s.text.strip() for s in kept).strip()
    if not text:
        return Transcript("")
    start = words[0].start if words else 0.0
    end = words[-1].end if words else duration
    return Transcript(text, words, confidence_of(words), start, end)


__all__ = ["WhisperRecognizer"]
