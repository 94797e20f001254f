"""Storage of analysis results: per-message analyses, insights with ids, conversation documents.

Results are kept as JSON of the insights library's dataclasses (see :mod:`callscribe.codec`)
and come back as the same types. Conversation-level results (topics, summary, analytics) are
documents replaced as a whole each time they are recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callscribe.codec import dump, load
from callscribe.insights.records import Insight, MessageAnalysis
from callscribe.records import new_numeric_id
from callscribe.storage.tables import (
    ConversationDocumentRow,
    InsightRow,
    MessageAnalysisRow,
    utcnow,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoredInsight:
    """An insight with the id it is known by in the API and in live events."""

    id: str
    insight: Insight


class InsightStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save_analyses(
        self, conversation_id: str, analyses: Sequence[MessageAnalysis]
    ) -> list[StoredInsight]:
        """Store analyses (replacing earlier ones of the same messages); returns new insights."""
        async with self._sessions() as s:
            message_ids = [a.message_id for a in analyses]
            await s.execute(delete(InsightRow).where(InsightRow.message_id.in_(message_ids)))
            await s.execute(
                delete(MessageAnalysisRow).where(MessageAnalysisRow.message_id.in_(message_ids))
            )
            seq = (
                await s.scalar(
                    select(func.coalesce(func.max(InsightRow.seq), 0)).where(
                        InsightRow.conversation_id == conversation_id
                    )
                )
                or 0
            )
            stored: list[StoredInsight] = []
            for analysis in analyses:
                s.add(
                    MessageAnalysisRow(
                        message_id=analysis.message_id,
                        conversation_id=conversation_id,
                        data=dump(analysis),
                    )
                )
                for insight in analysis.insights:
                    seq += 1
                    item = StoredInsight(new_numeric_id(), insight)
                    s.add(
                        InsightRow(
                            id=item.id,
                            conversation_id=conversation_id,
                            message_id=analysis.message_id,
                            seq=seq,
                            type=insight.type,
                            data=dump(insight),
                        )
                    )
                    stored.append(item)
            await s.commit()
            return stored

    async def revise(
        self, conversation_id: str, message_id: str, before: Insight, after: Insight
    ) -> StoredInsight | None:
        """Replace a stored insight of a message by its revision, keeping its id (and the
        message's analysis in step). None when the message has no such insight."""
        async with self._sessions() as s:
            rows = await s.scalars(
                select(InsightRow).where(
                    InsightRow.conversation_id == conversation_id,
                    InsightRow.message_id == message_id,
                )
            )
            row = next((r for r in rows if load(Insight, r.data) == before), None)
            if row is None:
                return None
            row.data, row.type = dump(after), after.type
            analysis_row = await s.get(MessageAnalysisRow, message_id)
            if analysis_row is not None:
                analysis = load(MessageAnalysis, analysis_row.data)
                insights = tuple(after if i == before else i for i in analysis.insights)
                analysis_row.data = dump(replace(analysis, insights=insights))
            await s.commit()
            return StoredInsight(row.id, after)

    async def analyses(self, conversation_id: str) -> dict[str, MessageAnalysis]:
        """Analyses of a conversation's messages, by message id."""
        async with self._sessions() as s:
            rows = await s.scalars(
                select(MessageAnalysisRow).where(
                    MessageAnalysisRow.conversation_id == conversation_id
                )
            )
            return {r.message_id: load(MessageAnalysis, r.data) for r in rows}

    async def insights(
        self, conversation_id: str, types: Sequence[str] | None = None
    ) -> list[StoredInsight]:
        """Insights in the order they were found, optionally only some types."""
        async with self._sessions() as s:
            query = select(InsightRow).where(InsightRow.conversation_id == conversation_id)
            if types is not None:
                query = query.where(InsightRow.type.in_(list(types)))
            rows = await s.scalars(query.order_by(InsightRow.seq))
            return [StoredInsight(r.id, load(Insight, r.data)) for r in rows]

    async def save_document(self, conversation_id: str, kind: str, value: Any) -> None:
        """Replace the ``kind`` document (topics, summary, analytics) of a conversation."""
        async with self._sessions() as s:
            row = await s.get(ConversationDocumentRow, (conversation_id, kind))
            if row is None:
                s.add(
                    ConversationDocumentRow(
                        conversation_id=conversation_id, kind=kind, data=dump(value)
                    )
                )
            else:
                row.data = dump(value)
                row.updated_at = utcnow()
            await s.commit()

    async def document(self, conversation_id: str, kind: str, cls: type[T]) -> T | None:
        """The stored ``kind`` document loaded as ``cls`` (e.g. ``tuple[Topic, ...]``)."""
        async with self._sessions() as s:
            row = await s.get(ConversationDocumentRow, (conversation_id, kind))
            return None if row is None else load(cls, row.data)

    async def clear(self, conversation_id: str) -> None:
        """Forget every result of a conversation (before it is analysed again from scratch)."""
        async with self._sessions() as s:
            for table in (InsightRow, MessageAnalysisRow, ConversationDocumentRow):
                await s.execute(delete(table).where(table.conversation_id == conversation_id))
            await s.commit()
