"""bench.insights' conversational sets: the data is whole and separate, and the scoring counts
what a summary reader would (tags to kinds, backchannels as chatter, punctuation removed)."""

from __future__ import annotations

import pytest

from bench.insights import conversational as cv


def test_sets_are_whole_and_share_no_conversation() -> None:
    dev, test = cv.load("dev"), cv.load("test")
    assert len(dev) == 12926
    assert len(test) == 4078
    assert not {u.conversation for u in dev} & {u.conversation for u in test}
    for u in test:
        assert u.text
        assert u.speaker in {"A", "B"}
    tags = {u.tag for u in test}
    assert {"qy", "qw", "ad", "b", "sd"} <= tags


def test_unpunctuated_is_what_a_recogniser_without_punctuation_gives() -> None:
    assert cv.unpunctuated("Oh, you did? Really.") == "oh you did really"


def test_the_transcribers_notes_are_not_words_said() -> None:
    assert cv.spoken("Two and a half *is this a title??") == "Two and a half"
    assert cv.spoken("I mean, is it )),") == "I mean, is it,"
    assert cv.spoken("so my dress code is very, very (( )).") == "so my dress code is very, very."
    assert not any("*" in u.text or "((" in u.text for u in cv.load("dev"))


def _scored(tag: str, question: bool, task: bool) -> cv.Scored:
    return cv.Scored(cv.Utterance("1", "A", tag, "text"), question, task)


def test_report_counts_questions_tasks_and_chatter() -> None:
    scored = [
        _scored("qy", True, False),  # question found
        _scored("qw", False, False),  # question missed
        _scored("bh", True, False),  # a backchannel made a question: wrong, and chatter noise
        _scored("ad", False, True),  # directive found
        _scored("sd", False, True),  # statement made a task
        _scored("b", False, False),
    ]
    figures = cv.report(scored)
    assert figures["questions_precision"] == pytest.approx(0.5)
    assert figures["questions_recall"] == pytest.approx(0.5)
    assert figures["tasks_precision"] == pytest.approx(0.5)
    assert figures["tasks_recall"] == pytest.approx(1.0)
    assert figures["chatter_rate"] == pytest.approx(0.5)
    assert figures["tasks_per_1000"] == pytest.approx(1000 * 2 / 6)


def test_engine_runs_over_a_conversation_in_order() -> None:
    from callscribe.insights import InsightEngine

    engine = InsightEngine()
    first = cv.load("dev")[:120]
    scored, cpu = cv.run(engine, first)
    assert [s.utterance for s in scored] == first
    assert len(cpu) == len(first)
    asked = [s for s in scored if s.utterance.tag in cv.QUESTION_TAGS]
    assert asked
    assert sum(s.question for s in asked) >= len(asked) // 2
    assert not any(s.question or s.task for s in scored if s.utterance.tag == "b")
