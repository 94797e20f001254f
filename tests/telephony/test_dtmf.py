"""DTMF sequences: steps, pauses and precise errors."""

from __future__ import annotations

import pytest

from callscribe.errors import ValidationFailed
from callscribe.telephony.dtmf import DtmfSequence, Keys, Pause


def test_keys_and_pauses_become_grouped_steps() -> None:
    seq = DtmfSequence.parse("85012345678#,,#w,123456#W")
    assert seq.steps == (
        Keys("85012345678#"),
        Pause(1000),
        Keys("#"),
        Pause(1000),
        Keys("123456#"),
        Pause(1000),
    )
    assert seq.digits == "85012345678##123456#"
    assert seq.pause_ms == 3000


def test_letters_are_upper_cased_and_star_allowed() -> None:
    assert DtmfSequence.parse("*9abcD").digits == "*9ABCD"


def test_empty_sequence_is_falsy() -> None:
    assert not DtmfSequence.parse("")


@pytest.mark.parametrize(
    ("text", "char", "position"),
    [("123x", "'x'", 4), ("1 2", "' '", 2), ("E", "'E'", 1), ("12,-3", "'-'", 4)],
)
def test_invalid_character_is_named_with_its_position(text: str, char: str, position: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        DtmfSequence.parse(text)
    assert f"invalid character {char} at position {position}" in info.value.message


def test_overlong_sequence_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="longer than 256"):
        DtmfSequence.parse("1" * 257)
