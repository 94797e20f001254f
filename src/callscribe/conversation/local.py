"""The whole pipeline in one process, without a server or a database (``callscribe process``).

Messages get ids and members in memory the way the repository would give them, then go
through the same analyser, summary and analytics as a server's conversations, so the CLI
prints what the API would return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from callscribe.conversation.analyzer import ConversationAnalyzer, NlpWorker, person, revise
from callscribe.insights.records import (
    Analytics,
    ConversationContext,
    MessageAnalysis,
    SummaryItem,
    Topic,
)
from callscribe.insights.summary import LLMEndpoint
from callscribe.records import Member, Message, NewMessage, new_numeric_id, new_uuid
from callscribe.storage import StoredInsight

Progress = Callable[[int, int], None]
BATCH = 16


@dataclass(frozen=True)
class Report:
    """Everything the pipeline found in one conversation."""

    start: datetime
    messages: list[Message]
    members: list[Member]
    analyses: list[MessageAnalysis]
    insights: list[StoredInsight]
    topics: list[Topic]
    summary: list[SummaryItem]
    analytics: Analytics


def as_messages(
    new: Sequence[NewMessage], conversation_id: str = "local"
) -> tuple[list[Message], list[Member]]:
    """Ids and members for messages, as the repository would assign them."""
    members: dict[str, Member] = {}
    out: list[Message] = []
    for seq, m in enumerate(new, start=1):
        key = m.speaker.key
        member = None
        if key:
            member = members.get(key)
            if member is None:
                member = members[key] = Member(
                    id=new_uuid(),
                    name=m.speaker.display_name,
                    email=m.speaker.email,
                    user_id=m.speaker.user_id,
                )
        out.append(
            Message(
                id=new_numeric_id(),
                conversation_id=conversation_id,
                seq=seq,
                text=m.text,
                member=member,
                start=m.start,
                end=m.end,
                words=m.words,
                confidence=m.confidence,
            )
        )
    return out, list(members.values())


async def analyse(
    new: Sequence[NewMessage],
    *,
    start: datetime,
    timezone: str = "UTC",
    worker: NlpWorker,
    endpoint: LLMEndpoint | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run the insight chain over ``new`` in batches, reporting progress after each."""
    messages, members = as_messages(new)
    context = ConversationContext(
        start=start, timezone=timezone, members=tuple(person(m) for m in members)
    )
    analyzer = ConversationAnalyzer.create(worker, context)
    analyses: list[MessageAnalysis] = []
    for i in range(0, len(messages), BATCH):
        analyses += await analyzer.analyze(messages[i : i + BATCH])
        revise(analyses, analyzer.take_revisions())
        if progress is not None:
            progress(min(i + BATCH, len(messages)), len(messages))
    end = max((m.end for m in messages), default=start)
    results = await analyzer.results(messages, analyses, start=start, end=end, endpoint=endpoint)
    insights = [StoredInsight(new_numeric_id(), i) for a in analyses for i in a.insights]
    return Report(
        start,
        messages,
        members,
        analyses,
        insights,
        list(results.topics),
        list(results.summary),
        results.analytics,
    )
