"""A real SMTP server (aiosmtpd) in the test process, and in-process services on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from callscribe.config import Settings
from callscribe.ports import free_port
from callscribe.records import Conversation, ConversationStatus, NewMessage, Speaker
from callscribe.storage import Storage, open_storage


@dataclass
class Inbox:
    """What the SMTP server received: one entry per message, with its envelope."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:``port``; can be started late (SMTP down at first)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_later() -> Iterator[SmtpServer]:
    """A port with no SMTP server yet: the test starts it when it wants."""
    server = SmtpServer(free_port())
    try:
        yield server
    finally:
        server.stop()


def make_settings(data_dir: Path, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "data_dir": data_dir,
        "smtp_security": "none",
        "action_retry_delay": 0.2,
        "action_retry_max_delay": 0.5,
        "action_attempts": 4,
        "webhook_allow_private": True,
    }
    return Settings(**{**base, **values})


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await open_storage(f"sqlite:///{tmp_path / 'callscribe.db'}")
    try:
        yield opened
    finally:
        await opened.close()


START = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)

LINES = [
    ("Sarah Chen", "Let's review the launch plan for Atlas."),
    ("Mike Ross", "Can we move the demo to Friday?"),
    ("Sarah Chen", "Mike, please send the pricing deck to Globex by Thursday."),
]


async def completed_conversation(
    storage: Storage, actions: list[dict[str, Any]], name: str = "Atlas sync"
) -> Conversation:
    """A stored, completed conversation with three messages and ``actions`` in its settings."""
    repo = storage.repository
    app = await repo.create_app(f"app-{name}", "test", "x")
    conv = await repo.create_conversation(
        app_id=app.id,
        name=name,
        source="text",
        start_time=START,
        settings={"actions": actions},
    )
    new = [
        NewMessage(
            text=text,
            speaker=Speaker(name=who),
            start=START + timedelta(seconds=5 * n),
            end=START + timedelta(seconds=5 * n + 4),
        )
        for n, (who, text) in enumerate(LINES)
    ]
    await repo.add_messages(conv.id, new)
    end = START + timedelta(seconds=15)
    await repo.finish_conversation(conv.id, ConversationStatus.COMPLETED, end)
    return await repo.get_conversation(app.id, conv.id)
