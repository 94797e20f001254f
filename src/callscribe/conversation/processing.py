"""Processing of a stored conversation: analysing messages and completing the conversation.

The text job analyses every message at once; live sources analyse as they go and call
:meth:`ConversationProcessor.complete` at the end. Either way the conversation ends with
its analyses, topics, summary and analytics stored and its status ``completed``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from callscribe.config import Settings
from callscribe.conversation.analyzer import (
    ConversationAnalyzer,
    NlpWorker,
    context_for,
    conversation_is_english,
)
from callscribe.conversation.documents import ANALYTICS, SUMMARY, TOPICS
from callscribe.insights.records import MessageAnalysis
from callscribe.insights.summary import LLMEndpoint
from callscribe.log import get_logger
from callscribe.records import Conversation, ConversationStatus, Job, Message
from callscribe.storage import InsightStore, Repository

log = get_logger(__name__)


def llm_endpoint(settings: Settings) -> LLMEndpoint | None:
    if not settings.summary_llm_url:
        return None
    key = settings.summary_llm_api_key
    return LLMEndpoint(
        url=settings.summary_llm_url,
        model=settings.summary_llm_model,
        api_key=key.get_secret_value() if key else None,
    )


class ConversationProcessor:
    """Analyses conversations and completes them."""

    def __init__(
        self,
        repository: Repository,
        insights: InsightStore,
        worker: NlpWorker,
        endpoint: LLMEndpoint | None = None,
    ) -> None:
        self._repo = repository
        self._insights = insights
        self.worker = worker
        self._endpoint = endpoint
        self.on_completed: Callable[[Conversation], Awaitable[None]] | None = None

    async def analyzer_for(self, conversation: Conversation) -> ConversationAnalyzer:
        return ConversationAnalyzer.create(
            self.worker, context_for(conversation), english=conversation_is_english(conversation)
        )

    async def process_job(self, job: Job) -> None:
        """Handler for ``text`` jobs: analyse all stored messages, then complete."""
        conversation = await self._repo.get_conversation(job.app_id, job.conversation_id)
        messages = await self._repo.list_messages(conversation.id)
        await self._insights.clear(conversation.id)
        analyzer = await self.analyzer_for(conversation)
        analyses = await analyzer.analyze(messages)  # one batch: acceptances already applied
        await self._insights.save_analyses(conversation.id, analyses)
        await self.complete(conversation, analyzer, messages, analyses)
        log.info("conversation processed", messages=len(messages))

    async def complete(
        self,
        conversation: Conversation,
        analyzer: ConversationAnalyzer,
        messages: Sequence[Message],
        analyses: Sequence[MessageAnalysis],
        *,
        end: datetime | None = None,
    ) -> None:
        """Store topics, summary and analytics, then mark the conversation completed."""
        finished = end or max((m.end for m in messages), default=datetime.now(UTC))
        results = await analyzer.results(
            messages, analyses, start=conversation.start_time, end=finished, endpoint=self._endpoint
        )
        await self._insights.save_document(conversation.id, TOPICS, results.topics)
        await self._insights.save_document(conversation.id, SUMMARY, results.summary)
        await self._insights.save_document(conversation.id, ANALYTICS, results.analytics)
        await self._repo.finish_conversation(
            conversation.id, ConversationStatus.COMPLETED, finished
        )
        if self.on_completed is not None:  # records the actions; sending runs in the background
            await self.on_completed(conversation)
