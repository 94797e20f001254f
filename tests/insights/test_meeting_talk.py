"""Real meeting talk (as in the ICSI meetings bench.insights scores): steering the meeting and
thinking aloud are not tasks; work taken on still is. The thinking-aloud lines are from the
ICSI dev meetings (CC BY 4.0, bench/insights/mrda), which the classifier never trains on."""

from __future__ import annotations

import pytest

from callscribe.insights import ConversationContext, InsightEngine, intent
from callscribe.insights.loaders import parse

from .test_conversation import kinds

TASKS = {"action_item", "follow_up"}


@pytest.mark.parametrize(
    "text",
    [
        "Okay, let's get started.",
        "Let's move on to the next item.",
        "Alright, let's get back to the agenda.",
        "Good to know. Thanks everyone. Talk soon.",
        "Thanks, see you all.",
    ],
)
def test_steering_the_meeting_or_leaving_it_is_no_task(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert not kinds(engine, context, text) & TASKS
    # the rules decide, not the classifier (real meetings taught it that "let's…" is work)
    last = intent.split_sentences(text)[-1].text
    assert not intent.extract(parse([last])[0][:], frozenset()).task_candidate


@pytest.mark.parametrize(
    "text",
    [
        "Let's go over the contract with legal tomorrow.",
        "Let's discuss the pricing with finance next week.",
    ],
)
def test_the_same_words_with_a_later_time_are_work(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert kinds(engine, context, text) & TASKS


@pytest.mark.parametrize(
    "text",
    [
        "and so we could replace our wired mikes with wireless if we bought another base "
        "station and more wireless mikes .",
        "and maybe we can even um get some overlap get some synergy out of that .",
        "and we can can run these .",
        "and the hope is that we can make these things the same thing .",
    ],
)
def test_thinking_aloud_in_a_meeting_is_no_task(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert not kinds(engine, context, text) & TASKS


@pytest.mark.parametrize(
    "text",
    [
        "so i'll i'll send the new numbers around tomorrow .",
        "I can send you the draft by Friday.",
        "Mike, could you update the budget sheet before the review?",
        "I'll share a draft with the leadership team on Friday.",  # not the screen
        "I'll share the recording after the call.",
    ],
)
def test_work_taken_on_in_a_meeting_is_still_a_task(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert kinds(engine, context, text) & TASKS
