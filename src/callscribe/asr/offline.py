"""A whole file through the live path (decode → 16 kHz → VAD segments → recogniser), blocking.

Used by ``callscribe process FILE`` and the file-upload API (run it in a worker thread). Going
through the same segmenter as live calls keeps results consistent and avoids Whisper's
hallucinations on long unsegmented audio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from callscribe.asr.types import Recognizer, Transcript
from callscribe.audio.files import Source, iter_file, probe
from callscribe.audio.pcm import TARGET_RATE
from callscribe.audio.segmenter import Segmenter, SegmenterConfig, Utterance

Progress = Callable[[float, float | None], None]
"""Called as ``progress(seconds_done, total_seconds_or_None)`` as utterances are recognised."""


def transcribe_file(
    source: Source,
    recognizer: Recognizer,
    *,
    config: SegmenterConfig | None = None,
    progress: Progress | None = None,
    batch: int = 1,
) -> list[Transcript]:
    """Every utterance of the file, in order, with start/end and word times in file seconds.

    ``batch`` > 1 recognises that many utterances per engine call (Whisper packs them into
    shared windows when it encodes full 30 s windows; with trimmed windows, one by one).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    total = probe(source).duration
    segmenter = Segmenter(replace(config or SegmenterConfig(), interims=False, early_finals=False))
    results: list[Transcript] = []
    waiting: list[Utterance] = []

    def recognise() -> None:
        texts = (
            recognizer.transcribe_batch([u.audio for u in waiting])
            if len(waiting) > 1
            else [recognizer.transcribe(u.audio) for u in waiting]
        )
        results.extend(t.shifted(u.start) for t, u in zip(texts, waiting, strict=True) if t.text)
        if progress is not None and waiting:
            end = waiting[-1].end
            progress(min(end, total) if total is not None else end, total)
        waiting.clear()

    done = 0.0
    for chunk in iter_file(source, rate=TARGET_RATE):
        done += len(chunk) / TARGET_RATE
        waiting.extend(e for e in segmenter.feed(chunk) if isinstance(e, Utterance))
        if len(waiting) >= batch:
            recognise()
    waiting.extend(e for e in segmenter.flush() if isinstance(e, Utterance))
    recognise()
    if progress is not None:
        progress(total if total is not None else done, total)
    return results


__all__ = ["Progress", "transcribe_file"]
