"""The retention policy (``RETENTION_DAYS``): audio, or whole conversations, deleted when they
have been over for longer than the period, and audio files left by cut-short deletions.

Runs in every server process; each pass is idempotent (a ``conversation.deleted`` webhook is
recorded before its conversation goes, deduplicated by conversation), so a crash mid-pass is
finished by the next pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from callscribe.errors import NotFound
from callscribe.log import get_logger
from callscribe.recordings.service import Recordings
from callscribe.storage import Repository
from callscribe.storage.recording_store import Expiring
from callscribe.storage.tables import utcnow

log = get_logger(__name__)

Scope = Literal["audio", "conversation"]
DeletedHook = Callable[[Expiring, str], Awaitable[None]]

LONGEST_PAUSE = 3600.0
"""Seconds between passes at most (a tenth of the period, for short test periods)."""


@dataclass(frozen=True, slots=True)
class Swept:
    audio: int = 0
    conversations: int = 0
    orphans: int = 0


class Retention:
    def __init__(
        self,
        recordings: Recordings,
        repository: Repository,
        on_deleted: DeletedHook,
        days: float | None,
        scope: Scope,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._recordings = recordings
        self._repo = repository
        self._on_deleted = on_deleted
        self.days = days
        self.scope = scope
        self._now = now

    @property
    def pause(self) -> float:
        """Seconds between passes."""
        if self.days is None:
            return LONGEST_PAUSE
        return min(LONGEST_PAUSE, max(1.0, self.days * 86400 / 10))

    async def sweep(self) -> Swept:
        orphans = await self._recordings.remove_orphans()
        if self.days is None:
            return Swept(orphans=orphans)
        cutoff = self._now() - timedelta(days=self.days)
        if self.scope == "conversation":
            gone = 0
            for item in await self._recordings.store.conversations_expiring(cutoff):
                await self._on_deleted(item, "retention")
                try:
                    await self._repo.delete_conversation(item.app_id, item.conversation_id)
                except NotFound:
                    continue  # deleted meanwhile
                await self._recordings.remove(item.conversation_id)
                gone += 1
                log.info("conversation deleted by retention", conversation_id=item.conversation_id)
            return Swept(conversations=gone, orphans=orphans)
        expired = await self._recordings.store.audio_expiring(cutoff)
        for item in expired:
            await self._recordings.expire(item.conversation_id)
            log.info("audio deleted by retention", conversation_id=item.conversation_id)
        return Swept(audio=len(expired), orphans=orphans)

    async def run(self) -> None:
        """Sweep now and every :attr:`pause` seconds until cancelled."""
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("a retention pass failed; the next one retries")
            await asyncio.sleep(self.pause)


__all__ = ["Retention", "Scope", "Swept"]
