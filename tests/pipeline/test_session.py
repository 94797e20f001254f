"""The live chain wired together: a scripted speech source, the real stages, real SQLite and
the in-process bus, model-free insights. What subscribers see, what is stored, and that the
chain's stages do not wait on each other."""

from __future__ import annotations

import asyncio
import contextlib

import numpy as np
import pytest

from callscribe.events import live as ev
from callscribe.pipeline.deps import LiveDeps
from callscribe.pipeline.session import LiveSession
from callscribe.records import ConversationStatus
from callscribe.testing.speech import ScriptedSource

from .conftest import ANN, BOB, World, at, collect, until
from .words import said


async def test_two_speakers_in_one_utterance_become_their_own_messages(world: World) -> None:
    session = LiveSession(world.deps, world.conversation, "conn-1")
    events: list[ev.LiveEvent] = []
    async with asyncio.TaskGroup() as tg:
        tg.create_task(collect(world.bus, "conn-1", events))
        tg.create_task(session.run())
        await session.wait_ready()
        session.feed(np.zeros(16000 * 4, dtype=np.float32))  # 4 s of audio so far
        assert session.speaker_started(ANN, at(session, 0.5)).by_timestamp
        assert session.speaker_started(BOB, at(session, 2.7)).at == pytest.approx(2.7, abs=0.01)
        world.source.started(1.0)
        world.source.hear(
            said("Can we ship on Friday? Yes, I will send the build.", 1.0, pauses={5: 0.5})
        )
        session.end()
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("FinalText") < kinds.index("MessagesStored") < kinds.index("InsightsFound")
    assert kinds[-2:] == ["RecognitionStopped", "ConversationCompleted"]
    stored = next(e for e in events if isinstance(e, ev.MessagesStored))
    assert [(m.member.name if m.member else None, m.text) for m in stored.messages] == [
        ("Ann", "Can we ship on Friday?"),
        ("Bob", "Yes, I will send the build."),
    ]
    found = next(e for e in events if isinstance(e, ev.InsightsFound))
    assert sorted(i.insight.type for i in found.insights) == ["action_item", "question"]
    assert world.source.cuts == pytest.approx([0.5, 2.7], abs=0.01)  # each change of speaker
    repo = world.storage.repository
    conversation = await repo.get_conversation("app-1", world.conversation.id)
    assert conversation.status is ConversationStatus.COMPLETED
    assert {m.name for m in conversation.members} == {"Ann", "Bob"}
    assert len(await repo.list_messages(conversation.id)) == 2


async def test_an_interim_goes_out_while_insights_are_still_being_found(world: World) -> None:
    session = LiveSession(world.deps, world.conversation, "conn-2", speaker=ANN)
    events: list[ev.LiveEvent] = []
    world.engine.gate.clear()  # analysis blocks until the gate opens
    async with asyncio.TaskGroup() as tg:
        tg.create_task(collect(world.bus, "conn-2", events))
        tg.create_task(session.run())
        await session.wait_ready()
        world.source.hear(said("I will send the build.", 0.5))
        await until(lambda: any(isinstance(e, ev.MessagesStored) for e in events))
        world.source.interim("And then we", 3.0, 3.8)
        await until(lambda: any(isinstance(e, ev.InterimText) for e in events))
        assert not any(isinstance(e, ev.InsightsFound) for e in events)  # still analysing
        world.engine.gate.set()
        session.end()
    interim = next(e for e in events if isinstance(e, ev.InterimText))
    assert interim.speaker == ANN  # the stream's own speaker, with no speaker events
    assert any(isinstance(e, ev.InsightsFound) for e in events)


async def test_a_settled_sentence_is_a_message_when_nobody_goes_on(world: World) -> None:
    session = LiveSession(world.deps, world.conversation, "conn-4", speaker=ANN)
    events: list[ev.LiveEvent] = []
    async with asyncio.TaskGroup() as tg:
        tg.create_task(collect(world.bus, "conn-4", events))
        tg.create_task(session.run())
        await session.wait_ready()
        world.source.hearing = True  # a voice, not yet long enough to be speech
        world.source.hear(said("We ship on Friday.", 0.5), spared=0.2)
        await until(lambda: any(isinstance(e, ev.FinalText) for e in events))
        await asyncio.sleep(0.6)  # past the rest of the usual pause: still held, she may go on
        assert not any(isinstance(e, ev.MessagesStored) for e in events)
        world.source.hearing = False  # it was not speech
        released = asyncio.get_running_loop().time()
        await until(lambda: any(isinstance(e, ev.MessagesStored) for e in events))
        assert asyncio.get_running_loop().time() - released < 0.5
        session.end()
    stored = next(e for e in events if isinstance(e, ev.MessagesStored))
    assert [m.text for m in stored.messages] == ["We ship on Friday."]


async def test_cancelled_at_shutdown_it_keeps_what_was_heard(world: World) -> None:
    session = LiveSession(world.deps, world.conversation, "conn-3", speaker=ANN)
    run = asyncio.create_task(session.run())
    await session.wait_ready()
    world.source.hear(said("So the plan for next week is to", 0.5))  # held: mid-sentence
    await until(lambda: session._assembler.holding)
    run.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await run
    assert session.completed.is_set()
    repo = world.storage.repository
    messages = await repo.list_messages(world.conversation.id)
    assert [m.text for m in messages] == ["So the plan for next week is to"]
    conversation = await repo.get_conversation("app-1", world.conversation.id)
    assert conversation.status is ConversationStatus.COMPLETED


async def test_a_recogniser_failure_is_published_and_the_conversation_completes(
    world: World,
) -> None:
    class Broken(ScriptedSource):
        async def events(self):  # type: ignore[no-untyped-def, override]
            yield await asyncio.sleep(0, result=None) or self._fail()

        def _fail(self) -> None:
            from callscribe.errors import ServiceError

            raise ServiceError("the recogniser failed", retryable=False)

    broken = Broken()

    async def open_broken(_connection_id: str, _language: str | None) -> Broken:
        return broken

    deps = LiveDeps(
        world.deps.repository, world.deps.insights, world.deps.processor, world.bus, open_broken
    )
    session = LiveSession(deps, world.conversation, "conn-4")
    events: list[ev.LiveEvent] = []
    async with asyncio.TaskGroup() as tg:
        tg.create_task(collect(world.bus, "conn-4", events))
        await session.run()
    errors = [e for e in events if isinstance(e, ev.ErrorRaised)]
    assert [(e.reason, e.message) for e in errors] == [
        ("recognition_failed", "the recogniser failed")
    ]
    assert isinstance(events[-1], ev.ConversationCompleted)
