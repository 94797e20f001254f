"""The classifier's labelled data (parsing, the training/held-out separation, the meeting
clauses) and the cache of the meeting clauses' features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callscribe.insights import loaders, parse_labelled, training_data
from callscribe.insights.classifier import features_cached, meeting_data
from callscribe.insights.intent import FEATURE_NAMES
from callscribe.insights.loaders import Embedder, FloatArray
from callscribe.modelcache import CACHE_ENV

HELDOUT = Path(__file__).resolve().parents[2] / "bench" / "insights" / "heldout.tsv"


def test_parse_labelled() -> None:
    got = parse_labelled(["# comment", "", "qa\tCan you send it?", "-\tOkay.", "f\tI'll call."])
    assert [(d.text, sorted(d.labels)) for d in got] == [
        ("Can you send it?", ["question", "task"]),
        ("Okay.", []),
        ("I'll call.", ["follow_up", "task"]),
    ]


@pytest.mark.parametrize("line", ["x\tbad label", "no tab here"])
def test_parse_labelled_rejects_bad_lines(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_labelled([line])


def test_training_and_heldout_are_disjoint_and_sized() -> None:
    train = training_data()
    held = parse_labelled(HELDOUT.read_text(encoding="utf-8").splitlines())
    assert not {d.text.lower() for d in train} & {d.text.lower() for d in held}
    assert len(train) + len(held) >= 300
    assert 0.28 <= len(held) / (len(train) + len(held)) <= 0.34


def test_meeting_clauses_are_labelled_tasks_or_not_and_sized() -> None:
    meetings = meeting_data()
    tasks = [d for d in meetings if "task" in d.labels]
    assert 400 <= len(tasks) <= 600
    assert len(meetings) - len(tasks) == 700
    assert all(d.labels in (frozenset(), frozenset({"task"})) for d in meetings)


class _Counting:
    """Stands in for MiniLM's encode, counting the texts it is asked for."""

    def __init__(self) -> None:
        self.asked = 0

    def encode(self, texts: list[str]) -> FloatArray:
        self.asked += len(texts)
        return np.full((len(texts), 384), 0.05, dtype=np.float32)


def test_features_are_made_once_per_machine_and_again_when_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    counting = _Counting()
    monkeypatch.setattr(Embedder, "encode", lambda _self, texts: counting.encode(texts))
    texts = ["we could run these.", "I'll send it tomorrow."]
    first = features_cached(texts)
    assert counting.asked == 2
    assert first.shape == (2, 384 + len(FEATURE_NAMES))
    [kept] = tmp_path.glob("intent-features-*.npy")
    again = features_cached(texts)
    assert counting.asked == 2  # read from the file
    np.testing.assert_array_equal(again, first)
    assert features_cached([*texts, "one more."]).shape[0] == 3  # other texts, another file
    assert counting.asked == 5
    kept.write_bytes(b"not an array")
    np.testing.assert_array_equal(features_cached(texts), first)
    assert counting.asked == 7
    assert np.load(kept).shape == first.shape
    assert not list(tmp_path.glob(".intent-features-*"))  # nothing half-written left


def test_a_stand_in_embedder_is_never_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))

    class StandIn:
        def encode(self, texts: list[str]) -> FloatArray:
            return np.ones((len(texts), 384), dtype=np.float32)

    monkeypatch.setattr(loaders, "_embedder", StandIn())
    assert features_cached(["Talk soon."]).shape == (1, 384 + len(FEATURE_NAMES))
    assert not list(tmp_path.iterdir())
