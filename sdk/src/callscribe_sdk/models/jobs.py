"""Results of the Async APIs and of the Telephony API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from callscribe_sdk.models._base import Model

JobState = Literal["scheduled", "in_progress", "completed", "failed"]


class JobStatus(Model):
    id: str
    status: JobState
    conversation_id: str | None = None
    error: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed")


class JobAccepted(Model):
    conversation_id: str
    job_id: str


class ConnectionStarted(Model):
    """``POST /v1/endpoint:connect`` (start): where to follow the call."""

    connection_id: str
    conversation_id: str
    result_web_socket_url: str | None = None
    event_url: str | None = None


class ConnectionState(Model):
    """``GET /v1/endpoint/{connectionId}``: the call's state and, once over, why it ended."""

    connection_id: str
    conversation_id: str
    state: str  # e.g. dialing, ringing, connected, ended
    end_reason: str | None = None  # stopped, remote_hangup, busy, declined, no_answer, ...
    sip_status: int | None = None
    detail: str | None = None
    started_at: float | None = None  # Unix time
    ended_at: float | None = None
    duration: float | None = None  # seconds
    conversation_completed: bool = False

    @property
    def ended(self) -> bool:
        return self.state == "ended"


class SummaryLink(Model):
    """Symbl's shape of ``summaryInfo``: a summary page per recipient."""

    url: str
    user: Any = None


class ConnectionStopped(Model):
    """The answer to a stop. ``summary_info`` is what the server sends: the call's final
    state (callscribe today) or Symbl's list of summary links; :meth:`Connection.state`
    always has the end reason."""

    connection_id: str
    conversation_id: str
    summary_info: ConnectionState | list[SummaryLink] | None = None
