"""bench.speakers' scoring: best one-to-one mapping, overlaps, misses, words; and
bench.meeting's best mapping of voices to the script's people."""

from __future__ import annotations

from bench.meeting.score import best_mapping
from bench.speakers.calls import Segment
from bench.speakers.pauses import Judged, changes_found, turn_changes
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


def test_changes_of_speaker_count_those_no_pause_was_compared_at() -> None:
    truth = [
        Segment(0.0, 2.0, "ann"),
        Segment(2.5, 4.0, "ann"),  # ann goes on: no change
        Segment(4.3, 6.0, "bob"),
        Segment(5.8, 8.0, "cy"),  # overlaps bob
        Segment(8.2, 9.0, "ann"),
    ]
    assert turn_changes(truth) == [(4.0, 4.3), (5.8, 6.0), (8.0, 8.2)]
    judged = [
        Judged(2.0, 2.5, found=True, truth=False),  # a false change is not a change found
        Judged(4.05, 4.25, found=True, truth=True),
        Judged(6.1, 6.4, found=False, truth=True),  # compared near the overlap, missed
    ]
    assert changes_found(truth, judged) == (3, 2, 1)  # nothing compared at 8.0-8.2
