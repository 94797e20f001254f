"""The per-message chain on real models: questions, action items, follow-ups, chatter,
hedges, assignees, due dates, and the shape of what it returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callscribe.insights import (
    ConversationContext,
    Insight,
    InsightEngine,
    MessageInput,
    Person,
    loaders,
)

NY = ZoneInfo("America/New_York")
START = datetime(2026, 3, 11, 14, 0, tzinfo=NY)  # the conftest context's start
SARAH = Person("Sarah Chen", "u-sarah")
MIKE = Person("Mike Ross", "u-mike")
PRIYA = Person("Priya Patel", "u-priya")


def message(text: str, speaker: Person = SARAH) -> MessageInput:
    return MessageInput("m1", text, speaker, START, START)


def _types(engine: InsightEngine, context: ConversationContext, text: str) -> set[str]:
    return {i.type for i in engine.analyze(message(text), context).insights}


@pytest.mark.parametrize(
    "text",
    [
        "What's the current status of the migration?",
        "when does the contract with acme expire",
        "how many seats are they asking for",
        "did legal sign off on the redlines",
        "is the pricing page going live on monday",
        "so what do we do if the vendor walks away",
        "Kevin, who owns the onboarding checklist?",
        "I was wondering if the API supports webhooks.",
        "By the way, when is the security review due?",
        "Anything else?",
    ],
)
def test_questions_punctuated_or_not(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert "question" in _types(engine, context, text)


def test_unpunctuated_lower_case_request_is_question_and_action(
    engine: InsightEngine, context: ConversationContext
) -> None:
    types = _types(engine, context, "can you send me the deck")
    assert types == {"question", "action_item"}


@pytest.mark.parametrize(
    "text",
    [
        "can you hear me?",
        "Can you hear me now?",
        "let me share my screen",
        "Let me share my screen real quick.",
        "You're on mute.",
        "you're on mute mike",
        "We'll see.",
        "I was going to say that the numbers look fine.",
        "Can everyone see my screen?",
        "can everyone see my screen",
        "Let me just grab the link.",
        "let me just",
        "Give me a second.",
        "give me a second",
        "Okay, let's get started.",
        "Sorry, go ahead.",
        "Hold on, I think I'm muted.",
        "Is it okay if I share my screen?",
        "Let me share my screen with you all.",
    ],
)
def test_meeting_chatter_is_no_insight(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert _types(engine, context, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "The migration finished without downtime.",
        "I sent the proposal to Globex last week.",
        "That's a really great idea.",
        "Revenue was up fifteen percent in Q2.",
        "Around two minutes, which is far too long for them.",
        "On Friday, when the board meets, the numbers will be final.",
        "The second customer, Moreflying, is a bit unhappy already.",
    ],
)
def test_statements_are_no_insight(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert _types(engine, context, text) == set()


@pytest.mark.parametrize(
    ("text", "definitive"),
    [
        ("I'll send the revised proposal by Friday.", True),
        ("We need to migrate the billing service before the audit.", True),
        ("Maybe we could add a cache in front of the search service.", False),
        ("We should probably document the retry logic.", False),
        ("I think we might want to revisit the pricing for small teams.", False),
        ("Perhaps I can draft the FAQ at some point.", False),
    ],
)
def test_action_items_and_hedges(
    engine: InsightEngine, context: ConversationContext, text: str, definitive: bool
) -> None:
    items = [i for i in engine.analyze(message(text), context).insights if i.type == "action_item"]
    assert len(items) == 1
    assert items[0].definitive is definitive


@pytest.mark.parametrize(
    "text",
    [
        "I'll follow up with Acme about the pricing questions.",
        "let's circle back on the hiring plan next week",
        "We should schedule a meeting with the legal team.",
        "I'll email John the summary after the call.",
        "Sarah will reach out to their IT admin tomorrow.",
        "Let's touch base after the demo.",
        "I'm going to check in with the sales team on Monday.",
        "let's sync with design on thursday",
        "I'll give their CTO a call this afternoon.",
    ],
)
def test_follow_ups(engine: InsightEngine, context: ConversationContext, text: str) -> None:
    types = _types(engine, context, text)
    assert "follow_up" in types
    assert "action_item" not in types


def _task(
    engine: InsightEngine,
    context: ConversationContext,
    text: str,
    speaker: Person,
    previous: Person | None = None,
) -> Insight:
    analysis = engine.analyze(message(text, speaker), context, previous_speaker=previous)
    tasks = [i for i in analysis.insights if i.type in {"action_item", "follow_up"}]
    assert len(tasks) == 1, analysis.insights
    return tasks[0]


@pytest.mark.parametrize(
    ("text", "speaker", "previous", "assignee"),
    [
        ("I'll fix the payment bug by Friday.", MIKE, None, MIKE),
        ("Priya will prepare the recovery plan.", SARAH, None, PRIYA),
        ("Mike, can you send me the release notes?", PRIYA, SARAH, MIKE),
        ("mike can you update the pricing page", SARAH, PRIYA, MIKE),
        ("Priya, please share the feedback with the committee.", SARAH, MIKE, PRIYA),
        ("Can you send me the deck?", SARAH, MIKE, MIKE),
        ("I need you to review the pull request.", PRIYA, SARAH, SARAH),
        ("let's schedule a call with the Globex team", SARAH, MIKE, SARAH),
        ("Kevin needs to fix the flaky tests.", SARAH, MIKE, Person("Kevin")),
        ("So the next step is for Priya to send the quote.", SARAH, MIKE, PRIYA),
        ("Mike, I'm gonna need those numbers by Monday.", SARAH, PRIYA, MIKE),
        ("Mike, I'll send you the numbers by Monday.", SARAH, PRIYA, SARAH),
        # addressed before they have spoken: not a member yet, still the one asked
        ("Then Carlos, can you get the SSO setup done by Friday?", SARAH, MIKE, Person("Carlos")),
        ("Great, Kevin, can you send the deck to the customer?", SARAH, MIKE, Person("Kevin")),
    ],
)
def test_assignee(
    engine: InsightEngine,
    context: ConversationContext,
    text: str,
    speaker: Person,
    previous: Person | None,
    assignee: Person,
) -> None:
    assert _task(engine, context, text, speaker, previous).assignee == assignee


def test_you_in_a_two_person_call_is_the_other_member(engine: InsightEngine) -> None:
    ctx = ConversationContext(start=START, timezone="America/New_York", members=(SARAH, MIKE))
    assert _task(engine, ctx, "Could you update the forecast?", SARAH).assignee == MIKE


def test_due_date_and_tags(engine: InsightEngine, context: ConversationContext) -> None:
    task = _task(engine, context, "Mike, can you send me the notes by end of next week?", PRIYA)
    assert task.due_by is not None
    assert task.due_by.value == datetime(2026, 3, 20, 17, 0, tzinfo=NY)
    tags = {(t.type, t.text, t.value) for t in task.tags}
    assert ("date", "end of next week", "2026-03-20T17:00:00-04:00") in tags
    assert ("person", "Mike", "Mike Ross") in tags
    assert "send the notes" in task.phrases
    assert 0.4 <= task.score <= 1.0


def test_multi_sentence_message_gives_one_insight_per_sentence(
    engine: InsightEngine, context: ConversationContext
) -> None:
    text = "Thanks for the update. I'll send the contract tomorrow. When does it expire?"
    analysis = engine.analyze(message(text), context)
    got = {(i.type, i.text) for i in analysis.insights}
    assert got == {
        ("action_item", "I'll send the contract tomorrow."),
        ("question", "When does it expire?"),
    }


def test_analyze_many_matches_analyze_and_tracks_previous_speaker(
    engine: InsightEngine, context: ConversationContext
) -> None:
    msgs = [
        MessageInput("a", "I finished the report.", MIKE, START, START),
        MessageInput("b", "can you send it to me", SARAH, START, START),
        MessageInput("c", "The weather is nice today.", PRIYA, START, START),
    ]
    batch = engine.analyze_many(msgs, context)
    assert [a.message_id for a in batch] == ["a", "b", "c"]
    task = next(i for i in batch[1].insights if i.type == "action_item")
    assert task.assignee == MIKE
    single = engine.analyze(msgs[1], context, previous_speaker=MIKE)
    assert single.insights == batch[1].insights


def test_sentiment_and_phrases(engine: InsightEngine, context: ConversationContext) -> None:
    good = engine.analyze(message("Great work, the customers love the new dashboard!"), context)
    bad = engine.analyze(message("This outage was a disaster and the client is furious."), context)
    assert good.sentiment.suggested == "positive"
    assert good.sentiment.score > 0.3
    assert bad.sentiment.suggested == "negative"
    assert "new dashboard" in good.phrases


def test_rules_only_mode(context: ConversationContext) -> None:
    rules = InsightEngine(use_classifier=False)
    got = rules.analyze(message("can you send me the deck by Friday"), context).insights
    assert {(i.type, i.score) for i in got} == {("question", 0.7), ("action_item", 0.7)}
    follow = rules.analyze(message("I'll follow up with legal."), context).insights
    assert [i.type for i in follow] == ["follow_up"]


def test_empty_message(engine: InsightEngine, context: ConversationContext) -> None:
    analysis = engine.analyze(message(""), context)
    assert analysis.insights == ()
    assert analysis.sentiment.score == 0.0


def test_only_sentences_the_classifier_decides_are_embedded(
    engine: InsightEngine, context: ConversationContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = loaders.embedder()
    embedded: list[str] = []

    class Counting:
        def encode(self, texts: list[str]) -> Any:
            embedded.extend(texts)
            return real.encode(texts)

    monkeypatch.setattr(loaders, "embedder", lambda: Counting())
    clear = "Is there anything else we should discuss today?"
    (found,) = engine.analyze(message(clear), context).insights
    assert (found.type, found.score) == ("question", 0.7)  # the rule's score
    assert embedded == []
    request = "Mike, can you send the deck by Friday?"  # a question and maybe a task
    engine.analyze(message(request), context)
    assert embedded == [request]
