"""The terminal's live view: a revised insight (sent again with its id) is shown as updated."""

from __future__ import annotations

import io

from rich.console import Console

from callscribe.cli.live_view import LiveView


def test_an_insight_sent_again_is_an_update_not_a_new_one() -> None:
    out = io.StringIO()
    view = LiveView(Console(file=out, width=200, color_system=None))
    item = {
        "id": "i-1",
        "type": "action_item",
        "payload": {"content": "Marcus, can you send the deck?"},
        "assignee": {"name": "Marcus"},
    }
    view.handle({"type": "insight_response", "insights": [item]})
    revised = {**item, "dueBy": {"value": "2026-12-04T17:00:00.000Z"}}
    view.handle({"type": "insight_response", "insights": [revised]})
    lines = out.getvalue().splitlines()
    assert lines[0].strip() == "action item Marcus, can you send the deck? (for Marcus)"
    assert lines[1].strip().startswith("updated action item Marcus, can you send the deck?")
    assert "due 2026-12-04 17:00" in lines[1]
    assert view.insights == 1
