"""bench.speakers' scoring: best one-to-one mapping, overlaps, misses, words; and
bench.meeting's best mapping of voices to the script's people."""

from __future__ import annotations

from bench.meeting.score import best_mapping
from bench.speakers.score import _selfcheck, score


def test_the_speaker_benchmark_scores_as_documented() -> None:
    _selfcheck()  # raises AssertionError naming the case that scores wrong


def test_a_perfect_hypothesis_under_other_names_is_all_right() -> None:
    truth = [(0.0, 2.0, "ann"), (2.2, 4.0, "bob"), (4.1, 6.0, "ann")]
    hyp = [(0.0, 2.0, "Speaker 2"), (2.2, 4.0, "Speaker 1"), (4.1, 6.0, "Speaker 2")]
    s = score(truth, hyp)
    assert s.speech_right == 1.0
    assert s.found == s.speakers == 2
    wrong = score(truth, [(0.0, 6.0, "Speaker 1")])
    assert 0.5 < wrong.speech_right < 0.75


def test_best_mapping_is_one_to_one() -> None:
    pairs = [("Speaker 1", "Priya")] * 5 + [("Speaker 2", "Priya")] * 3 + [("Speaker 2", "Dana")]
    assert best_mapping(pairs) == {"Speaker 1": "Priya", "Speaker 2": "Dana"}
    assert best_mapping([(None, "Priya")]) == {}
