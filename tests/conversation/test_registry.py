"""One owner per connection id: limits, conflicts between apps, ended connections retained."""

from __future__ import annotations

from typing import Any, cast

import pytest

from callscribe.conversation.registry import LiveRegistry
from callscribe.errors import Conflict, LimitExceeded

SESSION = cast(Any, object())


def test_a_live_id_belongs_to_its_app_and_cannot_be_opened_twice() -> None:
    registry = LiveRegistry(max_total=5, max_per_app=5)
    registry.open("app-a", "conn-1", SESSION)
    with pytest.raises(Conflict, match="already live"):
        registry.open("app-a", "conn-1", SESSION)
    with pytest.raises(Conflict, match="already live"):
        registry.open("app-b", "conn-1", SESSION)
    assert registry.get("conn-1", "app-a") is SESSION
    assert registry.get("conn-1", "app-b") is None
    assert registry.find("conn-1", "app-b") is None
    assert len(registry) == 1


def test_an_ended_id_stays_its_apps_and_frees_its_place() -> None:
    registry = LiveRegistry(max_total=1, max_per_app=1)
    registry.open("app-a", "conn-1", SESSION)
    with pytest.raises(LimitExceeded):
        registry.open("app-a", "conn-2", SESSION)
    registry.close("conn-1")
    registry.close("conn-1")  # twice: nothing more is freed
    assert len(registry) == 0
    assert registry.get("conn-1", "app-a") is None  # not live
    found = registry.find("conn-1", "app-a")
    assert found is not None
    assert not found.live  # but its status is still there
    with pytest.raises(Conflict, match="taken"):
        registry.open("app-b", "conn-1", SESSION)  # never another app's
    registry.open("app-a", "conn-1", SESSION)  # its own app may use it again
    assert len(registry) == 1


def test_limits_per_app_and_in_total() -> None:
    registry = LiveRegistry(max_total=3, max_per_app=2)
    registry.open("a", "1", SESSION)
    registry.open("a", "2", SESSION)
    with pytest.raises(LimitExceeded, match="MAX_LIVE_PER_APP=2"):
        registry.open("a", "3", SESSION)
    registry.open("b", "3", SESSION)
    with pytest.raises(LimitExceeded, match="limit of 3"):
        registry.open("c", "4", SESSION)


def test_only_so_many_ended_connections_are_kept() -> None:
    registry = LiveRegistry(max_total=10, max_per_app=10, history=2)
    for n in range(4):
        registry.open("a", f"c{n}", SESSION)
        registry.close(f"c{n}")
    assert [registry.find(f"c{n}", "a") is not None for n in range(4)] == [
        False,
        False,
        True,
        True,
    ]
