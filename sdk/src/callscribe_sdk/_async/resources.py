"""Resources: a conversation's results, and a job of the Async APIs."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

from callscribe_sdk import _parse
from callscribe_sdk._async.http import AsyncHTTP
from callscribe_sdk._backend_async import run_blocking, sleep
from callscribe_sdk._exceptions import JobFailed, Timeout
from callscribe_sdk.models import (
    ActionItem,
    Analytics,
    ConversationInfo,
    Entity,
    ExperienceLink,
    FollowUp,
    Member,
    Message,
    Question,
    SummaryItem,
    Topic,
    Tracker,
)
from callscribe_sdk.models.jobs import JobStatus


class AsyncConversation:
    """One conversation's results in the Conversation API. Creating it makes no request."""

    def __init__(self, http: AsyncHTTP, conversation_id: str) -> None:
        self._http = http
        self.conversation_id = conversation_id
        self._path = f"/v1/conversations/{conversation_id}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.conversation_id!r})"

    async def info(self) -> ConversationInfo:
        """Name, status (``in_progress``/``completed``), times, members."""
        return _parse.conversation(await self._http.request("GET", self._path))

    async def messages(self, *, verbose: bool = False, sentiment: bool = False) -> list[Message]:
        """The transcript; ``verbose`` adds word timings, ``sentiment`` each message's polarity."""
        params = _parse.flags(verbose=verbose, sentiment=sentiment)
        return _parse.messages(
            await self._http.request("GET", f"{self._path}/messages", params=params)
        )

    async def questions(self) -> list[Question]:
        return _parse.questions(await self._http.request("GET", f"{self._path}/questions"))

    async def action_items(self) -> list[ActionItem]:
        return _parse.action_items(await self._http.request("GET", f"{self._path}/action-items"))

    async def follow_ups(self) -> list[FollowUp]:
        return _parse.follow_ups(await self._http.request("GET", f"{self._path}/follow-ups"))

    async def topics(self, *, sentiment: bool = False, parent_refs: bool = False) -> list[Topic]:
        params = {"sentiment": sentiment, "parentRefs": parent_refs}
        body = await self._http.request(
            "GET", f"{self._path}/topics", params=_parse.flags(**params)
        )
        return _parse.topics(body)

    async def members(self) -> list[Member]:
        return _parse.members(await self._http.request("GET", f"{self._path}/members"))

    async def update_member(
        self, member_id: str, *, name: str | None = None, email: str | None = None
    ) -> Member:
        """Rename a member (or set their e-mail); their messages show the new name."""
        body = {k: v for k, v in (("name", name), ("email", email)) if v is not None}
        if not body:
            raise ValueError("update_member: give name or email")
        path = f"{self._path}/members/{member_id}"
        return _parse.member(await self._http.request("PUT", path, json={"id": member_id, **body}))

    async def rename_member(self, member_id: str, name: str) -> Member:
        return await self.update_member(member_id, name=name)

    async def entities(self) -> list[Entity]:
        return _parse.entities(await self._http.request("GET", f"{self._path}/entities"))

    async def trackers(self) -> list[Tracker]:
        return _parse.trackers(await self._http.request("GET", f"{self._path}/trackers-detected"))

    async def summary(self) -> list[SummaryItem]:
        """The summary; :class:`NotFound` while the conversation is still being processed."""
        return _parse.summary(await self._http.request("GET", f"{self._path}/summary"))

    async def analytics(self) -> Analytics:
        return _parse.analytics(await self._http.request("GET", f"{self._path}/analytics"))

    async def summary_link(self, *, expires_in: int | None = None) -> ExperienceLink:
        """A link to the summary page that anyone holding it can open, without a token:
        it expires after ``expires_in`` seconds (0: never; the server's default: 30 days)."""
        body: dict[str, object] = {"name": "verbose-text-summary"}
        if expires_in is not None:
            body["summaryURLExpiresIn"] = expires_in
        return ExperienceLink.model_validate(
            await self._http.request("POST", f"{self._path}/experiences", json=body)
        )

    async def revoke_summary_links(self) -> None:
        """End every summary link made so far (the e-mailed ones too); later ones work."""
        await self._http.request("DELETE", f"{self._path}/experiences")

    async def download_audio(self, path: str | os.PathLike[str]) -> Path:
        """Save the conversation's kept audio (``keep_audio=True`` when it was made; Ogg/Opus
        or FLAC, as the server keeps it) to ``path``; returns it. The file appears only when
        whole. ``NotFound`` when no audio was kept, ``Gone`` once retention deleted it."""
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        fh = await run_blocking(_open_for_writing, partial)
        try:
            await self._http.download(f"{self._path}/audio", fh.write)
        except BaseException:
            await run_blocking(fh.close)
            await run_blocking(partial.unlink, True)
            raise
        await run_blocking(fh.close)
        await run_blocking(partial.replace, target)
        return target

    async def delete(self) -> None:
        """Delete the conversation and everything derived from it."""
        await self._http.request("DELETE", self._path)


class AsyncJob:
    """An async job (text, audio file or URL being processed)."""

    def __init__(self, http: AsyncHTTP, job_id: str, conversation_id: str) -> None:
        self._http = http
        self.job_id = job_id
        self.conversation_id = conversation_id
        self.conversation = AsyncConversation(http, conversation_id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.job_id!r}, conversation_id={self.conversation_id!r})"

    async def status(self) -> JobStatus:
        return JobStatus.model_validate(await self._http.request("GET", f"/v1/job/{self.job_id}"))

    async def wait(self, timeout: float = 600.0, *, poll_interval: float = 0.5) -> JobStatus:
        """Wait until the job completes; :class:`JobFailed` if it failed, :class:`Timeout`
        if it is still running after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        interval = min(poll_interval, 0.2)
        while True:
            status = await self.status()
            if status.status == "failed":
                raise JobFailed(status.error or f"job {self.job_id} failed", job_id=self.job_id)
            if status.status == "completed":
                return status
            if time.monotonic() >= deadline:
                raise Timeout(f"job {self.job_id} still {status.status} after {timeout:g} s")
            await sleep(min(interval, max(0.0, deadline - time.monotonic())))
            interval = min(poll_interval, interval * 1.5)


def _open_for_writing(path: Path) -> IO[bytes]:
    return path.open("wb")
