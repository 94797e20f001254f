"""A whole file through the live path, with progress, as ``callscribe process`` uses it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callscribe.asr import Recognizer, transcribe_file
from callscribe.audio.files import decode_file

from .conftest import corpus, requires_corpus

pytestmark = requires_corpus


@pytest.mark.parametrize("batch", [1, 3])
def test_file_is_segmented_and_timed(
    tmp_path: Path, tiny: Recognizer, subset20: list[corpus.Prompt], batch: int
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from audio.media import encode

    prompts = subset20[10:14]
    gap = np.zeros(16000, dtype=np.float32)
    audio = np.concatenate([x for p in prompts for x in (gap, decode_file(p.wav))] + [gap])
    path = tmp_path / "meeting.flac"
    path.write_bytes(encode(audio, 16000, container="flac", codec="flac", out_rate=44100))
    seen: list[tuple[float, float | None]] = []
    results = transcribe_file(
        path, tiny, progress=lambda done, total: seen.append((done, total)), batch=batch
    )
    assert len(results) == len(prompts)
    assert corpus.wer([p.text for p in prompts], [r.text for r in results]) <= 0.1
    duration = len(audio) / 16000
    assert all(0 <= w.start <= w.end <= duration for r in results for w in r.words)
    assert [r.start for r in results] == sorted(r.start for r in results)
    dones = [d for d, _ in seen]
    assert dones == sorted(dones)
    assert seen[-1][0] == seen[-1][1]
    assert abs((seen[-1][1] or 0) - duration) < 0.1
