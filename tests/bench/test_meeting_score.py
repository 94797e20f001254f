"""bench.meeting's scoring: who said which recognised word, whole turns, and insight matching
against labels (the figures the meeting benchmark prints)."""

from __future__ import annotations

from datetime import date

import pytest

from bench.meeting import score
from bench.meeting.score import Found, Label, Said, Turn

TURNS = [
    Turn(None, "You are now joining the meeting."),
    Turn("Ann", "Can we ship on Friday?", 3.0),
    Turn("Bob", "Yes, I will send the build tonight.", 6.0),
]


def test_every_recognised_word_is_scored_against_its_turns_speaker() -> None:
    said = [
        Said("1", None, "You are now joining the meeting. Can we ship on Friday?"),
        Said("2", "Bob", "Yes, I will send the bill tonight."),
    ]
    t = score.transcript(TURNS, said)
    assert t.wer == pytest.approx(1 / 18)  # "bill" for "build"
    assert t.hits == 17
    assert t.words_right_speaker == pytest.approx(6 / 11)  # Ann's 5 words carry no speaker
    assert t.turns_whole == 1.0
    assert t.messages_mixed == 1  # the prompt and Ann's turn share a message
    assert score.last_turn_of(t, said) == {"1": 1, "2": 2}


def test_a_turn_split_over_messages_is_not_whole() -> None:
    said = [
        Said("1", "Ann", "Can we ship"),
        Said("2", "Bob", "on Friday? Yes, I will send the build tonight."),
    ]
    t = score.transcript(TURNS, said)
    assert t.turns_whole == 0.5
    assert t.words_right_speaker == pytest.approx(10 / 12)  # Bob's message holds "on Friday"
    assert t.messages_mixed == 1


def test_nothing_said_scores_nothing() -> None:
    t = score.transcript(TURNS, [])
    assert (t.wer, t.hits, t.turns_whole) == (1.0, 0, 0.0)


LABELS = [
    Label("question", "Can we ship on Friday?"),
    Label(
        "action_item",
        "Bob, can you send the build tonight?",
        also=("Yes, I will send the build tonight.",),
        assignee="Bob",
        due="Friday",
    ),
    Label("follow_up", "Let's call the customer tomorrow.", assignee="Ann", due="tomorrow"),
    Label("action_item", "We might look at the logs.", optional=True),
]
MONDAY = date(2026, 11, 30)


def test_insights_match_labels_once_and_score_owner_and_day() -> None:
    found = [
        Found("question", "Can we ship on Friday?"),
        Found("question", "What a day."),  # a false alarm
        Found("action_item", "I will send the build tonight.", "Bob Smith", date(2026, 12, 4)),
        Found("action_item", "Could you send it?", "Bob"),  # too unlike any label to match
        Found("action_item", "We might look at the logs."),  # optional: neither hit nor miss
    ]
    s = score.insights(found, LABELS, MONDAY)
    assert (s.by_type["question"].tp, s.by_type["question"].fp) == (1, 1)
    assert s.tasks.tp == 1
    assert s.tasks.fp == 1
    assert s.tasks.fn == 1  # the follow-up was missed
    assert (s.tasks.precision, s.tasks.recall) == (0.5, 0.5)
    assert (s.assignee_right, s.assignee_scored) == (1, 1)
    assert (s.due_right, s.due_scored) == (1, 1)
    assert [x.text for x in s.missed] == ["Let's call the customer tomorrow."]
    assert {x.text for x in s.unmatched} == {"What a day.", "Could you send it?"}


def test_a_task_found_twice_is_one_hit_and_one_false_alarm() -> None:
    found = [
        Found("action_item", "Bob, can you send the build tonight?", "Bob"),
        Found("action_item", "Yes, I will send the build tonight.", "Bob"),
    ]
    s = score.insights(found, LABELS, MONDAY)
    assert (s.tasks.tp, s.tasks.fp) == (1, 1)


def test_an_item_that_holds_a_proposal_and_its_agreement_matches_a_label_naming_either() -> None:
    labels = [Label("action_item", "Yes, let us include her, she asked about the invoices.")]
    agreed = (
        "Should we invite their finance lead to that vendor call as well? Yes, let us include her."
    )
    assert score.similarity(agreed, labels[0].text) < score.MATCH  # the whole text is too unlike
    s = score.insights([Found("follow_up", agreed, "Priya")], labels, MONDAY)
    assert (s.tasks.tp, s.tasks.fp, s.tasks.fn) == (1, 0, 0)


def test_due_days_resolve_against_the_meeting_day() -> None:
    assert score.due_day("Friday", MONDAY) == date(2026, 12, 4)
    assert score.due_day("monday", MONDAY) == date(2026, 12, 7)  # the next one, not today
    assert score.due_day("tomorrow", MONDAY) == date(2026, 12, 1)
    assert score.due_day("today", MONDAY) == MONDAY
    with pytest.raises(ValueError, match="weekday"):
        score.due_day("end of month", MONDAY)


def test_percentiles() -> None:
    assert score.percentile([3.0, 1.0, 2.0, 4.0], 0.5) == 2.0
    assert score.percentile([3.0, 1.0, 2.0, 4.0], 0.95) == 4.0
    assert score.percentile([], 0.5) != score.percentile([], 0.5)  # NaN
