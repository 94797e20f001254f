"""Names as a recogniser writes them, taken to be the member they sound like."""

from __future__ import annotations

import pytest

from callscribe.insights.names import closest, first_name, sounds_like, unnamed_voice


@pytest.mark.parametrize(
    ("heard", "member", "same"),
    [
        ("Asia", "Aisha", True),  # two letters off, a long name
        ("Markus", "Marcus", True),
        ("Dan", "Dana", True),
        ("Ben", "Bob", False),  # two letters off, a short name
        ("Great", "Grace", False),
        ("Ann", "Bob", False),
        ("Alina", "Elena", True),  # the first vowel misheard
        ("Evan", "Ivan", True),
        ("Oscar", "Anna", False),
        ("Ella", "Anna", False),  # one vowel for another, and two letters off a short name
    ],
)
def test_sounds_like(heard: str, member: str, same: bool) -> None:
    assert sounds_like(heard, member) is same


def test_closest_prefers_the_nearer_name() -> None:
    assert closest("Dane", ["dana", "diane"]) == "dana"
    assert closest("Zed", ["dana"]) is None


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Marcus Lee", "marcus"),
        ("Speaker 2", "speaker 2"),
        (" speaker  12 ", "speaker 12"),
        ("", ""),
    ],
)
def test_first_name_keeps_a_voice_label_whole(name: str, first: str) -> None:
    assert first_name(name) == first
    assert unnamed_voice(name) == first.startswith("speaker ")
