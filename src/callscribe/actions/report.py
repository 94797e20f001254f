"""What the summary e-mail and page show about a conversation, gathered in one value.

:func:`build_report` is pure (records in, report out) so e-mails and pages are built the
same way whatever the conversation's source (text, audio, stream, phone call);
:func:`load_report` is the thin adapter that reads the records from storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from callscribe.conversation.documents import ANALYTICS, SUMMARY, TOPICS
from callscribe.insights.records import Analytics, MessageAnalysis, SummaryItem, Topic
from callscribe.records import Conversation, ConversationStatus, Message
from callscribe.storage import InsightStore, Repository, StoredInsight


@dataclass(frozen=True, slots=True)
class TaskLine:
    """An action item or follow-up as a reader wants it: what, who, by when."""

    text: str
    assignee: str | None
    due: datetime | None
    id: str = ""
    """The insight's id (the live page updates the item it names)."""


@dataclass(frozen=True, slots=True)
class QuestionLine:
    text: str
    id: str = ""


@dataclass(frozen=True, slots=True)
class MemberLine:
    name: str
    talk_seconds: float
    talk_percent: float
    wpm: float


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    speaker: str
    offset: float  # seconds from the conversation start
    text: str
    sentiment: float | None
    id: str = ""
    """The message's id (the live page adds only messages it does not show yet)."""


@dataclass(frozen=True, slots=True)
class ConversationReport:
    conversation: Conversation
    completed: bool
    duration: float
    summary: tuple[str, ...]
    action_items: tuple[TaskLine, ...]
    follow_ups: tuple[TaskLine, ...]
    questions: tuple[QuestionLine, ...]
    topics: tuple[str, ...]
    members: tuple[MemberLine, ...]
    transcript: tuple[TranscriptLine, ...]


def _task(item: StoredInsight) -> TaskLine:
    i = item.insight
    return TaskLine(
        text=i.text,
        assignee=i.assignee.name if i.assignee else None,
        due=i.due_by.value if i.due_by else None,
        id=item.id,
    )


def build_report(
    conversation: Conversation,
    messages: Sequence[Message],
    insights: Sequence[StoredInsight],
    analyses: Mapping[str, MessageAnalysis],
    topics: Sequence[Topic],
    summary: Sequence[SummaryItem],
    analytics: Analytics | None,
) -> ConversationReport:
    origin = conversation.start_time
    end = conversation.end_time or max((m.end for m in messages), default=origin)
    duration = analytics.duration if analytics else max(0.0, (end - origin).total_seconds())
    members = tuple(
        MemberLine(a.member.name, a.talk_time, a.talk_percent, a.wpm)
        for a in (analytics.members if analytics else ())
    )
    if not members:
        names = sorted({m.member.name for m in messages if m.member})
        members = tuple(MemberLine(n, 0.0, 0.0, 0.0) for n in names)
    transcript = tuple(
        TranscriptLine(
            speaker=m.member.name if m.member else "Unknown speaker",
            offset=max(0.0, (m.start - origin).total_seconds()),
            text=m.text,
            sentiment=analyses[m.id].sentiment.score if m.id in analyses else None,
            id=m.id,
        )
        for m in messages
    )
    return ConversationReport(
        conversation=conversation,
        completed=conversation.status is ConversationStatus.COMPLETED,
        duration=duration,
        summary=tuple(s.text for s in summary),
        action_items=tuple(_task(i) for i in insights if i.insight.type == "action_item"),
        follow_ups=tuple(_task(i) for i in insights if i.insight.type == "follow_up"),
        questions=tuple(
            QuestionLine(i.insight.text, i.id) for i in insights if i.insight.type == "question"
        ),
        topics=tuple(t.text for t in topics),
        members=members,
        transcript=transcript,
    )


async def load_report(
    repository: Repository, insights: InsightStore, app_id: str, conversation_id: str
) -> ConversationReport:
    """Read everything the report needs; ``NotFound`` if the conversation is not the app's."""
    conversation = await repository.get_conversation(app_id, conversation_id)
    messages = await repository.list_messages(conversation_id)
    return build_report(
        conversation,
        messages,
        await insights.insights(conversation_id),
        await insights.analyses(conversation_id),
        await insights.document(conversation_id, TOPICS, tuple[Topic, ...]) or (),
        await insights.document(conversation_id, SUMMARY, tuple[SummaryItem, ...]) or (),
        await insights.document(conversation_id, ANALYTICS, Analytics),
    )


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss`` for a transcript time or a duration."""
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


__all__ = [
    "ConversationReport",
    "MemberLine",
    "QuestionLine",
    "TaskLine",
    "TranscriptLine",
    "build_report",
    "clock",
    "load_report",
]
