"""The live chain with speaker separation: voices name the speakers when no one does, events
name the voices, and a voice keeps the name events gave it after the events stop."""

from __future__ import annotations

import asyncio
import dataclasses

import numpy as np
import pytest

from callscribe.conversation.documents import ANALYTICS
from callscribe.events import live as ev
from callscribe.insights.records import Analytics
from callscribe.pipeline.session import LiveSession
from callscribe.records import Speaker
from callscribe.speakers.encoder import VoiceEncoder, shared_encoder
from callscribe.speakers.separator import SeparationConfig
from callscribe.testing.voices import RATE, Line, by, transcript_of

from .conftest import World, at, collect, until

MARCUS, PRIYA = Speaker("Marcus"), Speaker("Priya")
Script = list[tuple[Line | float, Speaker | None]]


async def load() -> VoiceEncoder:
    return await asyncio.to_thread(shared_encoder)


async def play(
    world: World, session: LiveSession, script: list[tuple[Line | float, object]]
) -> None:
    """Feed each line's audio (or seconds of silence) and, after it, its final; ``script``
    items are (line or silence, speaker event to send at the line's start or None)."""
    t = 0.0
    for item, event in script:
        if isinstance(item, float):
            session.feed(np.zeros(int(item * RATE), dtype=np.float32))
            t += item
            continue
        if isinstance(event, Speaker):
            session.speaker_started(event, at(session, t) if t else None)
        session.feed(item.audio)
        world.source.hear(transcript_of(item, t))
        t += len(item.audio) / RATE
        session.feed(np.zeros(int(0.7 * RATE), dtype=np.float32))
        t += 0.7
        await asyncio.sleep(0)


async def run(
    world: World, script: list[tuple[Line | float, object]], **kwargs: object
) -> list[ev.MessagesStored]:
    deps = dataclasses.replace(world.deps, voices=load)
    session = LiveSession(deps, world.conversation, "conn-v", **kwargs)  # type: ignore[arg-type]
    events: list[ev.LiveEvent] = []
    async with asyncio.TaskGroup() as tg:
        tg.create_task(collect(world.bus, "conn-v", events))
        tg.create_task(session.run())
        await session.wait_ready()
        session.feed(np.zeros(RATE // 10, dtype=np.float32))  # the clock starts
        await play(world, session, script)
        session.end()
    return [e for e in events if isinstance(e, ev.MessagesStored)]


def said_by(stored: list[ev.MessagesStored]) -> list[tuple[str | None, str]]:
    return [(m.member.name if m.member else None, m.text) for e in stored for m in e.messages]


async def test_without_speaker_events_voices_name_the_speakers(world: World) -> None:
    m1, m2 = by("Marcus", longer_than=2.5)[:2]
    (p1,) = by("Priya", longer_than=2.5)[:1]
    stored = await run(world, [(m1, None), (p1, None), (m2, None)])
    assert [name for name, _text in said_by(stored)] == ["Speaker 1", "Speaker 2", "Speaker 1"]
    conversation = await world.storage.repository.get_conversation("app-1", world.conversation.id)
    assert sorted(m.name for m in conversation.members) == ["Speaker 1", "Speaker 2"]


async def test_a_voice_named_by_events_keeps_its_name_after_the_events_stop(world: World) -> None:
    m1, m2 = by("Marcus", longer_than=2.5)[:2]
    p1, p2 = by("Priya", longer_than=2.5)[:2]
    script: Script = [
        (m1, MARCUS),
        (p1, PRIYA),
        (25.0, None),  # the events stop: the last one (Priya) is old by now
        (m2, None),
        (p2, None),
    ]
    stored = await run(world, script)
    assert [name for name, _text in said_by(stored)] == ["Marcus", "Priya", "Marcus", "Priya"]


async def test_a_stream_that_names_its_speaker_is_not_separated(world: World) -> None:
    m1 = by("Marcus", longer_than=2.5)[0]
    p1 = by("Priya", longer_than=2.5)[0]
    stored = await run(world, [(m1, None), (p1, None)], speaker=Speaker("Dana"))
    assert {name for name, _text in said_by(stored)} == {"Dana"}


@pytest.mark.parametrize("off", [False])
async def test_separation_can_be_turned_off_per_session(world: World, off: bool) -> None:
    m1 = by("Marcus", longer_than=2.5)[0]
    p1 = by("Priya", longer_than=2.5)[0]
    stored = await run(world, [(m1, None), (p1, None)], separate_voices=off)
    assert {name for name, _text in said_by(stored)} == {None}


async def test_voices_split_live_are_one_speaker_again_at_the_end(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Live, a voice heard in fewer than three stretches joins only a near-perfect match (here
    forced: every stretch founds a speaker); the second pass at the end finds two voices and
    the stored conversation says so: messages, members, insights and analytics."""
    wideband = SeparationConfig.for_channel(False)
    eager = dataclasses.replace(
        wideband, clusters=dataclasses.replace(wideband.clusters, young=0.99)
    )
    monkeypatch.setattr(
        SeparationConfig, "for_channel", classmethod(lambda _cls, _narrow, **_kw: eager)
    )
    m1, m2 = by("Marcus", longer_than=4.0)[:2]
    p1, p2 = by("Priya", longer_than=4.5)[:2]
    stored = await run(world, [(m1, None), (p1, None), (m2, None), (p2, None)])
    live = [name for name, _text in said_by(stored)]
    assert live == ["Speaker 1", "Speaker 2", "Speaker 3", "Speaker 4"]

    repo = world.storage.repository
    kept = await repo.list_messages(world.conversation.id)
    assert [m.member.name for m in kept if m.member] == [
        "Speaker 1",
        "Speaker 2",
        "Speaker 1",
        "Speaker 2",
    ]
    conversation = await repo.get_conversation("app-1", world.conversation.id)
    assert sorted(m.name for m in conversation.members) == ["Speaker 1", "Speaker 2"]
    speakers = {
        i.insight.speaker.name for i in await world.storage.insights.insights(conversation.id)
    }
    assert speakers <= {"Speaker 1", "Speaker 2"}
    analytics = await world.storage.insights.document(conversation.id, ANALYTICS, Analytics)
    assert analytics is not None
    assert sorted(m.member.name for m in analytics.members) == ["Speaker 1", "Speaker 2"]


async def _separating(world: World, session: LiveSession, first: Line) -> float:
    """Feed ``first`` and its final (the voices are separated from then on); its end."""
    session.feed(np.zeros(RATE // 10, dtype=np.float32))  # the clock starts
    t = 0.1
    session.feed(first.audio)
    world.source.hear(transcript_of(first, t))
    assert session.voices is not None
    await until(lambda: session.voices is not None and session.voices._separator is not None)
    return t + len(first.audio) / RATE


def _gap(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


@pytest.mark.parametrize(
    ("second", "cut", "first"),
    [("Priya", True, False), ("Marcus", False, False), ("Priya", True, True)],
)
async def test_without_events_an_utterance_is_ended_where_another_voice_takes_over(
    world: World, second: str, cut: bool, first: bool
) -> None:
    """Two speakers' quick exchange is one utterance to the end-pointer (their pause is under
    its 0.6 s): without speaker events, the voices either side of the pause in it are compared
    one second into what follows, and only another voice there ends the utterance at it —
    also in the call's first utterance, before any final has been heard."""
    m1, m2 = by("Marcus", longer_than=2.5)[:2]
    after = by(second, longer_than=2.5)[-1]
    deps = dataclasses.replace(world.deps, voices=load)
    session = LiveSession(deps, world.conversation, "conn-v")
    async with asyncio.TaskGroup() as tg:
        tg.create_task(session.run())
        await session.wait_ready()
        if first:
            session.feed(_gap(0.1))
            t = 0.1
        else:
            t = await _separating(world, session, m1) + 1.0
            session.feed(_gap(1.0))
        session.feed(m2.audio)  # the utterance begins...
        pause = (t + len(m2.audio) / RATE, t + len(m2.audio) / RATE + 0.3)
        session.feed(_gap(0.3))
        world.source.paused(*pause, utterance=t)  # ...speech pauses for 0.3 s, and goes on
        session.feed(after.audio[: int(1.2 * RATE)])
        await until(lambda: session.voices is not None and session.voices.compared == 1)
        await asyncio.sleep(0)
        session.end()
    assert world.source.cuts == ([pytest.approx(sum(pause) / 2)] if cut else [])


async def test_without_events_speech_held_for_its_speaker_goes_when_another_voice_speaks(
    world: World,
) -> None:
    """A finished sentence ended early waits for the usual pause, and for whoever started
    speaking within it; when that is another voice, it goes out a second into their speech,
    not when their utterance is recognised."""
    m1, m2 = by("Marcus", longer_than=2.5)[:2]
    p1 = by("Priya", longer_than=2.5)[0]
    deps = dataclasses.replace(world.deps, voices=load)
    session = LiveSession(deps, world.conversation, "conn-v")
    events: list[ev.LiveEvent] = []
    async with asyncio.TaskGroup() as tg:
        tg.create_task(collect(world.bus, "conn-v", events))
        tg.create_task(session.run())
        await session.wait_ready()
        t = await _separating(world, session, m1) + 1.0
        session.feed(_gap(1.0))
        session.feed(m2.audio)
        world.source.hear(transcript_of(m2, t), spared=0.2)  # held for 0.1 s more...
        t += len(m2.audio) / RATE + 0.3
        session.feed(_gap(0.3))
        world.source.started(t)  # ...and someone speaks within it: held until they are done
        session.feed(p1.audio[: int(1.3 * RATE)])

        def stored() -> list[str]:
            return [m.text for e in events if isinstance(e, ev.MessagesStored) for m in e.messages]

        await until(lambda: m2.text in stored())
        assert p1.text not in stored()
        session.feed(p1.audio[int(1.3 * RATE) :])
        world.source.hear(transcript_of(p1, t))
        session.end()
    assert stored()[-2:] == [m2.text, p1.text]
