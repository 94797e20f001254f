"""Spoken-meeting shapes the engine gets right on whole sentences: questions after a leading
phrase, exclamations, questions put to the room, decisions, conditions, bare acceptances,
two people's tasks in one sentence, and who is addressed after an interjection."""

from __future__ import annotations

import pytest

from callscribe.insights import ConversationContext, InsightEngine, Person

from .test_engine import MIKE, PRIYA, SARAH, message


def kinds(engine: InsightEngine, context: ConversationContext, text: str) -> set[str]:
    return {i.type for i in engine.analyze(message(text), context).insights}


@pytest.mark.parametrize(
    "text",
    [
        "By the way, did anyone watch the game on Sunday?",
        "One more question, who is presenting at the quarterly review?",
        "Anything else we need to cover?",
        "Morning, everyone, is Mike joining us today.",  # inverted, though the "?" was lost
        "That sounds like the token bug we fixed last month, doesn't it?",  # a tag
        "The new support hire starts on Monday, right?",
        "I was wondering whether we should offer them a credit for the downtime.",
    ],
)
def test_questions_after_a_leading_phrase(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert kinds(engine, context, text) == {"question"}


@pytest.mark.parametrize(
    "text",
    [
        "What a finish.",  # an exclamation
        "Do we want to keep that discount for the renewal?",  # asks the room: a question only
        "Let's use the new photos.",  # a decision taken now
        "If the tests pass by Wednesday, we can launch next Monday.",  # an option
        "Will do.",  # an answer, not a task of its own
        "Sure, I can take care of that.",
        "Yes, let's.",  # agreeing to a proposal: the proposal says what (see pairing)
        "Sure, let's do it.",
        "Let us get back to it.",
        "Today we need to go over the pricing proposal for Northwind.",  # the agenda
        "Right?",  # a backchannel, not a question either
        "Lena, are you on the call yet?",  # a presence check, like a sound check
        "How much can we offer for that role?",  # a question, not a task
    ],
)
def test_no_task_in_these(engine: InsightEngine, context: ConversationContext, text: str) -> None:
    assert kinds(engine, context, text) <= {"question"}


@pytest.mark.parametrize(
    "text",
    [
        "I will present the overview, and Mike, you will cover the revenue numbers.",
        "I will present the overview and Mike, you will cover the revenue numbers.",
    ],
)
def test_two_peoples_tasks_in_one_sentence(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    tasks = engine.analyze(message(text, PRIYA), context).insights
    assert [(t.text, t.assignee.name if t.assignee else None) for t in tasks] == [
        ("I will present the overview.", "Priya Patel"),
        ("Mike, you will cover the revenue numbers.", "Mike Ross"),
    ]


def test_the_member_addressed_after_an_interjection_is_the_assignee(
    engine: InsightEngine, context: ConversationContext
) -> None:
    text = "Great, Mike, can you send the pricing deck to the customer by Friday?"
    analysis = engine.analyze(message(text, SARAH), context, previous_speaker=PRIYA)
    task = next(i for i in analysis.insights if i.type == "action_item")
    assert task.assignee == MIKE


def test_lets_is_the_speakers_own_group_not_an_order_to_the_last_speaker(
    engine: InsightEngine, context: ConversationContext
) -> None:
    text = "Then let us schedule a call with the vendor next week to sort it out."
    analysis = engine.analyze(message(text, SARAH), context, previous_speaker=MIKE)
    (task,) = analysis.insights
    assert task.type == "follow_up"
    assert task.assignee == SARAH


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Raj, please let the sales team know about the date.", "follow_up"),
        ("I'll ask their admin for screenshots.", "follow_up"),
        ("I'll schedule a social media post for launch day.", "action_item"),
        ("I'll schedule a call with their CTO.", "follow_up"),
    ],
)
def test_reaching_people_is_a_follow_up(
    engine: InsightEngine, context: ConversationContext, text: str, kind: str
) -> None:
    members = (*context.members, Person("Raj"))
    ctx = ConversationContext(start=context.start, timezone=context.timezone, members=members)
    assert kind in kinds(engine, ctx, text)


def test_a_misheard_name_addressed_is_still_the_member(
    engine: InsightEngine, context: ConversationContext
) -> None:
    aisha = Person("Aisha Khan", "u-aisha")
    ctx = ConversationContext(
        start=context.start, timezone=context.timezone, members=(*context.members, aisha)
    )
    analysis = engine.analyze(
        message("Asia, make sure the copy is final before Wednesday.", SARAH), ctx
    )
    (task,) = [i for i in analysis.insights if i.type != "question"]
    assert task.assignee == aisha
