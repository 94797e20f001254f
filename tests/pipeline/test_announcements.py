"""The bridge's own announcements on a dial-in: taken out where a bridge says them (the first
seconds of the meeting, right before the call ends), kept where a person says the same words."""

from __future__ import annotations

import asyncio

from callscribe.asr.types import Transcript
from callscribe.pipeline.announcements import Announcements, without_last
from callscribe.pipeline.session import LiveSession

from .conftest import ANN, World
from .words import said

RULES = Announcements()


def test_the_joining_announcement_at_the_start_of_the_meeting_is_left_out() -> None:
    heard = said("You are now joining the meeting. Hi, everyone. Thanks for joining.", 0.2)
    kept = RULES.without_opening(heard)
    assert kept.text == "Hi, everyone. Thanks for joining."
    assert [w.word for w in kept.words] == ["Hi,", "everyone.", "Thanks", "for", "joining."]
    assert kept.start == heard.words[6].start
    assert kept.end == heard.end


def test_an_utterance_that_is_only_announcements_is_left_out_whole() -> None:
    heard = said("You are now joining a meeting. This meeting is being recorded.", 0.1)
    assert RULES.without_opening(heard).empty


def test_heard_without_punctuation_or_with_a_word_misheard_it_is_still_an_announcement() -> None:
    assert RULES.without_opening(said("you are now joining a meeting", 1.0)).empty
    heard = said("You are now joining the meeting Hi everyone", 1.0)
    assert RULES.without_opening(heard) == heard  # one run-on sentence: not only the prompt


def test_the_same_words_later_in_the_meeting_are_a_persons_and_are_kept() -> None:
    heard = said("This meeting is being recorded.", RULES.opening_seconds + 5.0)
    assert RULES.without_opening(heard) == heard


def test_what_a_person_says_first_is_kept() -> None:
    heard = said("Hi, everyone. You are now joining the meeting about pricing.", 0.5)
    assert RULES.without_opening(heard) == heard


def test_the_closing_announcement_is_found_after_the_last_speakers_words() -> None:
    heard = said("Bye everyone. The meeting has ended. Goodbye.", 140.0)
    count = RULES.closing_at_end(heard)
    assert count == 5
    kept = without_last(heard, count)
    assert kept.text == "Bye everyone."
    assert kept.end == heard.words[1].end
    assert RULES.closing_at_end(said("The meeting has ended. Good bye.", 3.0)) == 6


def test_a_goodbye_alone_is_not_an_announcement() -> None:
    assert RULES.closing_at_end(said("Thanks, bye. Goodbye.", 140.0)) == 0
    assert RULES.closing_at_end(said("Let us say the meeting went well.", 140.0)) == 0


def test_the_recognisers_spacing_is_kept_in_what_is_left() -> None:
    heard = said("You are now joining the meeting. Can we ship on Friday?", 0.0)
    heard = Transcript(
        "You are now joining the meeting.  Can we ship on Friday?",
        heard.words,
        heard.confidence,
        heard.start,
        heard.end,
    )
    assert RULES.without_opening(heard).text == "Can we ship on Friday?"


async def _call(world: World, announcements: Announcements | None, ends_after: float) -> str:
    """A session fed the bridge's announcements and Ann's words; ``ends_after``: seconds
    between the closing words and the end of the call. Returns the stored messages' text."""
    session = LiveSession(
        world.deps, world.conversation, "call-1", speaker=ANN, announcements=announcements
    )
    async with asyncio.TaskGroup() as tg:
        tg.create_task(session.run())
        await session.wait_ready()
        world.source.hear(said("You are now joining the meeting.", 0.3))
        world.source.hear(said("Hi, everyone. Can we ship on Friday?", 3.0))
        world.source.hear(said("Bye everyone. The meeting has ended. Goodbye.", 9.0))
        await asyncio.sleep(ends_after)
        session.end()
    stored = await world.storage.repository.list_messages(world.conversation.id)
    return " ".join(m.text for m in stored)


async def test_a_call_keeps_only_what_people_said(world: World) -> None:
    text = await _call(world, Announcements(closing_seconds=1.0), ends_after=0.2)
    assert text == "Hi, everyone. Can we ship on Friday? Bye everyone."


async def test_when_the_call_goes_on_after_closing_words_they_were_a_persons(
    world: World,
) -> None:
    text = await _call(world, Announcements(closing_seconds=0.3), ends_after=1.0)
    assert (
        text == "Hi, everyone. Can we ship on Friday? Bye everyone. The meeting has ended. Goodbye."
    )


async def test_a_stream_has_no_bridge_and_keeps_every_word(world: World) -> None:
    text = await _call(world, None, ends_after=0.0)
    assert text.startswith("You are now joining the meeting. Hi, everyone.")
    assert text.endswith("Bye everyone. The meeting has ended. Goodbye.")
