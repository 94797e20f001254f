"""The classifier's labelled data: parsing, and the training/held-out separation."""

from __future__ import annotations

from pathlib import Path

import pytest

from callscribe.insights import parse_labelled, training_data

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
