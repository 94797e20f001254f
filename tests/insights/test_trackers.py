"""Trackers: exact matches carry offsets, fuzzy matches carry offset -1."""

from __future__ import annotations

from callscribe.insights import Tracker
from callscribe.insights.trackers import match_trackers

PRICING = Tracker("Pricing", ("pricing deck", "discount", "too expensive"))


def test_exact_matches_with_offsets() -> None:
    text = "Send the Pricing Deck; the discount is fine. Another discount too."
    got = [(m.tracker, m.phrase, m.text, m.offset) for m in match_trackers(text, (PRICING,))]
    assert got == [
        ("Pricing", "pricing deck", "Pricing Deck", 9),
        ("Pricing", "discount", "discount", 27),
        ("Pricing", "discount", "discount", 53),
    ]


def test_fuzzy_match_has_offset_minus_one() -> None:
    got = match_trackers("honestly it is way too expensve for us", (PRICING,))
    assert len(got) == 1
    assert got[0].offset == -1
    assert got[0].phrase == "too expensive"
    assert got[0].text == "too expensve"
    assert 85 <= got[0].score < 100


def test_plural_is_fuzzy_and_unrelated_text_is_nothing() -> None:
    assert [m.offset for m in match_trackers("the pricing decks", (PRICING,))] == [-1]
    assert match_trackers("we talked about the roadmap", (PRICING,)) == ()
    assert match_trackers("", (PRICING,)) == ()


def test_word_boundaries() -> None:
    assert match_trackers("discounted rates", (Tracker("d", ("discount",)),))[0].offset == -1
    assert match_trackers("undiscount", (Tracker("d", ("discount",)),))[0].offset == -1
