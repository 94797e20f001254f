"""A proposal put as a question and the next speaker's agreement, through the conversation
analyser as a live call feeds it (one message at a time) and as an upload does (in one batch):
the summary's task says what was agreed, the question stays a question."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from callscribe.conversation.analyzer import ConversationAnalyzer, NlpWorker, person
from callscribe.conversation.local import as_messages
from callscribe.insights import ConversationContext, InsightEngine
from callscribe.records import NewMessage, Speaker
from callscribe.testing.nlp import HashingEncoder

START = datetime(2026, 12, 7, 15, tzinfo=UTC)
TALK = [
    ("Marcus", "Should we invite their finance lead to that vendor call as well?"),
    ("Priya", "Good idea. Yes, let us include her. She asked about the invoices last time."),
    ("Dana", "Should we get started with the budget then?"),
    ("Priya", "Yes, let's."),
]


@pytest.fixture
def worker(engine: InsightEngine) -> Iterator[NlpWorker]:
    w = NlpWorker(engine, HashingEncoder())
    yield w
    w.close()


@pytest.mark.parametrize("batch", [1, len(TALK)])
async def test_an_agreed_proposal_is_one_task_in_the_proposals_words(
    worker: NlpWorker, batch: int
) -> None:
    new = [
        NewMessage(
            text,
            Speaker(who),
            START + timedelta(seconds=5 * n),
            START + timedelta(seconds=5 * n + 4),
        )
        for n, (who, text) in enumerate(TALK)
    ]
    messages, members = as_messages(new)
    context = ConversationContext(start=START, members=tuple(person(m) for m in members))
    analyzer = ConversationAnalyzer.create(worker, context)
    analyses = []
    for i in range(0, len(messages), batch):
        analyses += await analyzer.analyze(messages[i : i + batch])
    assert analyzer.take_revisions() == []  # nothing said earlier changes
    found = [(i.type, i.text, i.assignee and i.assignee.name) for a in analyses for i in a.insights]
    assert found == [
        ("question", TALK[0][1], None),
        (
            "follow_up",
            f"{TALK[0][1]} Yes, let us include her.",
            "Priya",
        ),
        ("question", TALK[2][1], None),
    ]
    (task,) = analyses[1].insights
    assert (task.message_id, task.confirmed_in) == (messages[1].id, (messages[0].id,))
