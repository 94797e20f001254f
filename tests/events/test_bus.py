"""The in-process bus: history for late subscribers, the end of a channel, a channel reused."""

from __future__ import annotations

from callscribe.events import InProcessBus
from callscribe.events.live import ErrorRaised, LiveEvent, RecognitionStarted


async def read(bus: InProcessBus, channel: str) -> list[LiveEvent]:
    async with bus.subscribe(channel) as subscription:
        return [event async for event in subscription]


async def test_a_late_subscriber_gets_the_history_then_the_end() -> None:
    bus = InProcessBus()
    await bus.publish("c", RecognitionStarted("x"))
    await bus.publish("c", ErrorRaised("bad_audio", "no audio"))
    await bus.close_channel("c")
    assert await read(bus, "c") == [RecognitionStarted("x"), ErrorRaised("bad_audio", "no audio")]
    assert bus.known("c")


async def test_a_reused_channel_starts_afresh() -> None:
    bus = InProcessBus()
    await bus.publish("c", RecognitionStarted("old"))
    await bus.close_channel("c")
    bus.open_channel("c")
    await bus.publish("c", RecognitionStarted("new"))
    await bus.close_channel("c")
    assert await read(bus, "c") == [RecognitionStarted("new")]


async def test_a_slow_subscriber_loses_the_oldest_events_not_the_publisher() -> None:
    bus = InProcessBus(queue_size=2)
    async with bus.subscribe("c") as subscription:
        for n in range(5):
            await bus.publish("c", RecognitionStarted(str(n)))
        await bus.close_channel("c")
        got = [event async for event in subscription]
    assert got == [RecognitionStarted("4")]  # the queue holds two: the last event and the end
    assert subscription.dropped == 4


async def test_retained_history_is_forgotten_after_a_while() -> None:
    now = [0.0]
    bus = InProcessBus(retain=10.0, clock=lambda: now[0])
    await bus.publish("c", RecognitionStarted("x"))
    await bus.close_channel("c")
    now[0] = 11.0
    assert not bus.known("c")
