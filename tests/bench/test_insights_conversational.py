"""bench.insights' conversational sets (Switchboard calls, ICSI meetings): the data is whole and
separate, and the scoring counts what a summary reader would (tags to kinds, backchannels as
chatter, punctuation removed)."""

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


def test_meeting_sets_are_whole_in_order_and_share_no_meeting() -> None:
    dev, test = cv.load("dev", cv.MEETINGS), cv.load("test", cv.MEETINGS)
    assert len(dev) == 16512
    assert len(test) == 16836
    assert not {u.conversation for u in dev} & {u.conversation for u in test}
    assert len({u.conversation for u in test}) == 12
    assert all(u.text and "==" not in u.text and "@" not in u.text for u in test)
    assert test[:3] == [
        cv.Utterance("Bed006", "mn015", "fg", "okay ."),
        cv.Utterance("Bed006", "mn015", "s^t", "some in- some introductions are in order ."),
        cv.Utterance("Bed006", "fe004", "s^bk", "oh okay ."),
    ]
    kinds = [cv.mrda(u.tag) for u in test]
    assert sum(k.question for k in kinds) > 500
    assert sum(k.task for k in kinds) > 100


@pytest.mark.parametrize(
    ("label", "question", "task", "chatter"),
    [
        ("qy^rt", True, False, False),  # "is that a good characterization?"
        ("qy^d^rt", True, False, False),  # declarative question
        ("qw", True, False, False),
        ("fh|qrr", True, False, False),  # a question said after a floor holder
        ("s:qw", False, False, False),  # a statement quoting a question
        ("qh", False, False, False),  # rhetorical
        ("qw^br", False, False, False),  # "what?": not understanding
        ("qy^d^f^g", False, False, False),  # "right?": checking the others follow
        ("qy^d^g^rt", False, False, False),  # a tag cut from its statement
        ("s^co", False, True, False),
        ("fh|s^cc", False, True, False),
        ("s^bk", False, False, True),
        ("fg", False, False, True),
        ("s^aa", False, False, True),
        ("s^aa|s^df", False, False, False),  # an explanation after the "yes"
        ("s", False, False, False),
    ],
)
def test_meeting_labels_to_kinds(label: str, question: bool, task: bool, chatter: bool) -> None:
    kind = cv.mrda(label)
    assert (kind.question, kind.task, kind.chatter) == (question, task, chatter)
    assert not kind.void
    assert not kind.optional


def test_meeting_suggestions_are_optional_tasks_and_abandoned_acts_count_for_nothing() -> None:
    assert cv.mrda("s^cs") == cv.Gold(optional=True)
    assert cv.mrda("s^cs^co").task
    assert cv.mrda("qy.%--") == cv.Gold(void=True)
    assert cv.mrda("fh|s^cc.%-") == cv.Gold(void=True)
    scored = [
        _scored("s^cs", False, True),  # a suggestion made a task: neither right nor wrong
        _scored("s^cc", False, True),
        _scored("qy.%--", True, False),  # an abandoned question found: counts for nothing
        _scored("qy", True, False),
        _scored("s^co", False, False),
        _scored("s^bk", True, False),  # chatter made a question
    ]
    figures = cv.report(scored, cv.mrda)
    assert figures["tasks_precision"] == pytest.approx(1.0)
    assert figures["tasks_recall"] == pytest.approx(0.5)
    assert figures["questions_precision"] == pytest.approx(0.5)
    assert figures["questions_recall"] == pytest.approx(1.0)
    assert figures["chatter_rate"] == pytest.approx(1.0)
