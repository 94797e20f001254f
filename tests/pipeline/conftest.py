"""The live chain's test world: a scripted speech source, the real stages, real SQLite and the
in-process bus, model-free insights."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callscribe.conversation.analyzer import NlpWorker
from callscribe.conversation.processing import ConversationProcessor
from callscribe.events import InProcessBus
from callscribe.events import live as ev
from callscribe.pipeline.deps import LiveDeps
from callscribe.pipeline.session import LiveSession
from callscribe.records import Conversation, Speaker
from callscribe.storage import Storage, open_storage
from callscribe.testing.nlp import HashingEncoder, WordEngine
from callscribe.testing.speech import ScriptedSource

START = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
ANN, BOB = Speaker("Ann", "ann@example.com"), Speaker("Bob", "bob@example.com")


@dataclass
class World:
    storage: Storage
    bus: InProcessBus
    engine: WordEngine
    source: ScriptedSource
    deps: LiveDeps
    conversation: Conversation


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    storage = await open_storage(f"sqlite:///{tmp_path / 'callscribe.db'}")
    bus, engine, source = InProcessBus(), WordEngine(), ScriptedSource()
    worker = NlpWorker(engine, HashingEncoder())
    processor = ConversationProcessor(storage.repository, storage.insights, worker)

    async def open_source(_connection_id: str, _language: str | None) -> ScriptedSource:
        return source

    deps = LiveDeps(storage.repository, storage.insights, processor, bus, open_source)
    app = await storage.repository.create_app("app-1", "test", "x")
    conversation = await storage.repository.create_conversation(
        app_id=app.id, name="live", source="streaming", start_time=START
    )
    try:
        yield World(storage, bus, engine, source, deps, conversation)
    finally:
        engine.gate.set()
        worker.close()
        await storage.close()


async def collect(bus: InProcessBus, channel: str, into: list[ev.LiveEvent]) -> None:
    async with bus.subscribe(channel) as subscription:
        async for event in subscription:
            into.append(event)


async def until(condition: Callable[[], bool]) -> None:
    """Wait (at most 10 s) for a condition on state the session does not announce."""
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 - nothing to wait on but the state itself
            await asyncio.sleep(0.01)


def at(session: LiveSession, seconds: float) -> datetime:
    """The wall-clock moment of stream second ``seconds``."""
    assert session.clock.origin is not None
    return datetime.fromtimestamp(session.clock.origin + seconds, UTC)
