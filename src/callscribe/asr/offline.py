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
"""Called as ``progress(seconds_done, total_seconds_or_None)`` after each utterance."""


def transcribe_file(
    source: Source,
    recognizer: Recognizer,
    *,
    config: SegmenterConfig | None = None,
    progress: Progress | None = None,
) -> list[Transcript]:
    """Every utterance of the file, in order, with start/end and word times in file seconds."""
    total = probe(source).duration
    segmenter = Segmenter(replace(config or SegmenterConfig(), interims=False))
    results: list[Transcript] = []
    done = 0.0

    def run(events: list[object]) -> None:
        for ev in events:
            if isinstance(ev, Utterance):
                text = recognizer.transcribe(ev.audio)
                if not text.empty:
                    results.append(text.shifted(ev.start))
                if progress is not None:
                    progress(min(ev.end, total or ev.end), total)

    for chunk in iter_file(source, rate=TARGET_RATE):
        run(list(segmenter.feed(chunk)))
        done += len(chunk) / TARGET_RATE
    run(list(segmenter.flush()))
    if progress is not None:
        progress(total if total is not None else done, total)
    return results


__all__ = ["Progress", "transcribe_file"]
