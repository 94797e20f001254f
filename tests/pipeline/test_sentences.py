"""Sentence ends in recognised speech, and the seam of one sentence said in two pieces."""

from __future__ import annotations

import pytest

from callscribe.pipeline.sentences import ends_sentence, join, open_ending, reads_finished, tidy

NAMES = frozenset({"dana", "marcus"})


@pytest.mark.parametrize(
    ("token", "ends"),
    [("okay?", True), ("Friday.", True), ('"done."', True), ("Mr.", False), ("deck", False)],
)
def test_sentence_ends(token: str, ends: bool) -> None:
    assert ends_sentence(token) is ends


@pytest.mark.parametrize(
    "text",
    [
        "Today we need to go over the pricing proposal for",
        "I was thinking...",
        "We need the.",
        "Perfect. Dana.",
    ],
)
def test_open_endings(text: str) -> None:
    assert open_ending(text, NAMES)


@pytest.mark.parametrize(
    "text", ["Will do.", "I did.", "Yes, I will.", "What is it for?", "Thanks, Dana, bye.", "Okay."]
)
def test_whole_sentences(text: str) -> None:
    assert not open_ending(text, NAMES)


def test_a_lone_name_is_open_only_when_it_is_someones_name() -> None:
    assert not open_ending("Perfect. Dana.")  # nobody of that name: a sentence like any other


def test_joining_mends_the_seam() -> None:
    assert join("Perfect. Dana.", "Please update the timeline.", NAMES) == (
        "Perfect. Dana, please update the timeline."
    )
    assert join("go over the proposal for", "Northwind and the timeline.") == (
        "go over the proposal for Northwind and the timeline."
    )
    assert join("we need the", "The numbers.") == "we need the the numbers."
    assert join("That is done.", "The next one is not.") == "That is done. The next one is not."
    assert join("", "Hello.") == "Hello."


def test_a_message_starts_with_a_capital_and_does_not_end_on_a_comma() -> None:
    assert tidy("should we invite them?") == "Should we invite them?"
    assert tidy("Well, dude,") == "Well, dude."
    assert tidy("So the plan is to") == "So the plan is to"
    assert tidy("iPhone sales are up.") == "iPhone sales are up."


@pytest.mark.parametrize(
    ("text", "finished"),
    [
        ("We ship on Friday.", True),
        ("Can you send it?", True),
        ("Where are you from?", True),
        ("Great!", True),
        ('He said "no."', True),
        ("We ship on Friday and the.", False),
        ("So we need the", None),
        ("I was thinking, um...", False),
        ("First of all,", False),
        ("Because of the \u2014", False),
        ("What about our?", False),
        ("okay", None),
        ("  ", None),
    ],
)
def test_an_utterance_reads_finished_only_with_a_mark_that_ends_it(
    text: str, finished: bool | None
) -> None:
    assert reads_finished(text) is finished
