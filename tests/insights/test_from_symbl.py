"""Reading Symbl message lists."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callscribe.errors import ValidationFailed
from callscribe.insights import Person
from callscribe.insights.from_symbl import members_of, messages_from_symbl

ITEM = {
    "payload": {"content": "Hello there.", "contentType": "text/plain"},
    "from": {"name": "Ann", "userId": "ann@example.com"},
    "duration": {"startTime": "2026-03-11T18:00:00Z", "endTime": "2026-03-11T18:00:02.5Z"},
}


def test_parses_messages_and_members() -> None:
    msgs = messages_from_symbl([ITEM, {**ITEM, "id": "x9", "from": {"name": "Bob"}}])
    assert [m.id for m in msgs] == ["m1", "x9"]
    assert msgs[0].speaker == Person("Ann", "ann@example.com")
    assert msgs[0].start == datetime(2026, 3, 11, 18, 0, tzinfo=UTC)
    assert (msgs[0].end - msgs[0].start).total_seconds() == 2.5
    assert members_of([*msgs, msgs[0]]) == (Person("Ann", "ann@example.com"), Person("Bob"))


def test_bad_item_names_index_and_field() -> None:
    bad = {**ITEM, "duration": {"startTime": "yesterday", "endTime": "2026-03-11T18:00:02Z"}}
    with pytest.raises(ValidationFailed, match=r"messages\[1\]\.duration\.startTime"):
        messages_from_symbl([ITEM, bad])
