"""Processing of a stored conversation once its input is complete (the text and audio jobs)."""

from __future__ import annotations

from datetime import UTC, datetime

from callscribe.log import get_logger
from callscribe.model import ConversationStatus, Job
from callscribe.storage import Repository

log = get_logger(__name__)


class ConversationProcessor:
    """Finishes conversations: everything after the messages are stored."""

    def __init__(self, repository: Repository) -> None:
        self._repo = repository

    async def process_job(self, job: Job) -> None:
        """Handler for ``text`` jobs: analyse the stored messages and complete the conversation."""
        messages = await self._repo.list_messages(job.conversation_id)
        end = max((m.end for m in messages), default=datetime.now(UTC))
        await self._repo.finish_conversation(job.conversation_id, ConversationStatus.COMPLETED, end)
        log.info("conversation processed", messages=len(messages))
