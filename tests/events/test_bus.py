"""Both buses keep one protocol: history for late subscribers, the end of a channel, a channel
reused. The Redis one is read from another client, as another node would."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from callscribe.asr.types import Transcript, Word
from callscribe.events import EventBus, InProcessBus
from callscribe.events.live import (
    ErrorRaised,
    FinalText,
    LiveEvent,
    MessagesStored,
    RecognitionStarted,
)
from callscribe.events.redis_bus import RedisStreamBus
from callscribe.records import Member, Message, Speaker
from callscribe.records import Word as MessageWord


async def read(bus: EventBus, channel: str) -> list[LiveEvent]:
    async with bus.subscribe(channel) as subscription:
        return [event async for event in subscription]


@pytest.fixture(params=["in_process", pytest.param("redis", marks=pytest.mark.redis)])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    if request.param == "in_process":
        yield InProcessBus()
        return
    url: str = request.getfixturevalue("redis_url")
    redis = Redis.from_url(url)
    yield RedisStreamBus(redis, prefix=f"test:{secrets.token_hex(6)}:", block_ms=200)
    await redis.aclose()


async def test_a_late_subscriber_gets_the_history_then_the_end(bus: EventBus) -> None:
    await bus.publish("c", RecognitionStarted("x"))
    await bus.publish("c", ErrorRaised("bad_audio", "no audio"))
    await bus.close_channel("c")
    assert await read(bus, "c") == [RecognitionStarted("x"), ErrorRaised("bad_audio", "no audio")]
    assert await bus.known("c")
    assert not await bus.known("other")


async def test_a_reused_channel_starts_afresh(bus: EventBus) -> None:
    await bus.publish("c", RecognitionStarted("old"))
    await bus.close_channel("c")
    await bus.open_channel("c")
    await bus.publish("c", RecognitionStarted("new"))
    await bus.open_channel("c")  # an open channel is left as it is
    await bus.close_channel("c")
    assert await read(bus, "c") == [RecognitionStarted("new")]


async def test_events_come_back_as_they_were_published(bus: EventBus) -> None:
    """Nested records, datetimes and tuples survive the trip (across processes: JSON)."""
    at = datetime(2026, 12, 5, 18, 0, 1, 250000, tzinfo=UTC)
    message = Message(
        id="m1",
        conversation_id="conv",
        seq=3,
        text="Can you send it?",
        member=Member(id="p1", name="Ann", email="ann@example.com"),
        start=at,
        end=at,
        words=(MessageWord("Can", at, at, 0.9),),
        confidence=0.93,
    )
    events: list[LiveEvent] = [
        FinalText(Transcript("Hi.", (Word("Hi.", 0.1, 0.4, 0.98),), 0.9, 0.1, 0.4), Speaker("Ann")),
        MessagesStored((message,), at, 7),
    ]
    for event in events:
        await bus.publish("c", event)
    await bus.close_channel("c")
    assert await read(bus, "c") == events


async def test_the_in_process_bus_drops_the_oldest_for_a_slow_subscriber() -> None:
    bus = InProcessBus(queue_size=2)
    async with bus.subscribe("c") as subscription:
        for n in range(5):
            await bus.publish("c", RecognitionStarted(str(n)))
        await bus.close_channel("c")
        got = [event async for event in subscription]
    assert got == [RecognitionStarted("4")]  # the queue holds two: the last event and the end
    assert subscription.dropped == 4


@pytest.mark.redis
async def test_a_slow_subscriber_on_redis_loses_nothing_the_stream_holds(redis_url: str) -> None:
    """Each subscriber reads at its own pace: one that has not read yet still gets every
    event, in order, while the publisher never waited for it."""
    redis = Redis.from_url(redis_url)
    bus = RedisStreamBus(redis, prefix=f"test:{secrets.token_hex(6)}:", block_ms=200)
    try:
        async with bus.subscribe("c") as subscription:
            for n in range(500):
                await bus.publish("c", RecognitionStarted(str(n)))
            await bus.close_channel("c")
            got = [event async for event in subscription]
        assert got == [RecognitionStarted(str(n)) for n in range(500)]
    finally:
        await redis.aclose()


async def test_retained_history_is_forgotten_after_a_while() -> None:
    now = [0.0]
    bus = InProcessBus(retain=10.0, clock=lambda: now[0])
    await bus.publish("c", RecognitionStarted("x"))
    await bus.close_channel("c")
    now[0] = 11.0
    assert not await bus.known("c")


@pytest.mark.redis
async def test_a_closed_redis_channel_expires(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    prefix = f"test:{secrets.token_hex(6)}:"
    bus = RedisStreamBus(redis, prefix=prefix, retain=1.0)
    try:
        await bus.publish("c", RecognitionStarted("x"))
        await bus.close_channel("c")
        assert await bus.known("c")
        ttl = await redis.ttl(f"{prefix}events:c")
        assert 0 < ttl <= 1
    finally:
        await redis.aclose()
