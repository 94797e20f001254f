"""The summary page and the summary e-mail rendered from a report (no server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from callscribe.actions.email import MailSettings, compose_summary
from callscribe.actions.report import ConversationReport, QuestionLine, TaskLine, TranscriptLine
from callscribe.records import Conversation, ConversationStatus
from callscribe.web import LiveLinks, render_page
from callscribe.web.chart import sentiment_svg

START = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)


def _report(lines: int = 3, *, completed: bool = True) -> ConversationReport:
    status = ConversationStatus.COMPLETED if completed else ConversationStatus.IN_PROGRESS
    conv = Conversation(
        "1234567890123456",
        "app",
        "Q3 <plan> & review",
        "meeting",
        "pstn",
        status,
        START,
        START + timedelta(minutes=5),
        "UTC",
    )
    transcript = tuple(
        TranscriptLine(
            "Ann <b>" if n == 0 else "Bob",
            n * 10.0,
            f"line {n} <script>alert(1)</script>",
            (-0.8, 0.0, 0.9)[n % 3],
        )
        for n in range(lines)
    )
    return ConversationReport(
        conversation=conv,
        completed=completed,
        duration=300.0,
        summary=("We agreed on the plan.",),
        action_items=(TaskLine("Send the deck", "Bob", START + timedelta(days=2)),),
        follow_ups=(TaskLine("Check in with legal", None, None),),
        questions=(QuestionLine("Is the budget approved?"),),
        topics=("budget", "launch"),
        members=(),
        transcript=transcript,
    )


def test_page_escapes_what_people_said() -> None:
    html = render_page(_report())
    assert "<script>alert(1)</script>" not in html
    assert "line 0 &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Q3 &lt;plan&gt; &amp; review" in html
    assert "Ann &lt;b&gt;" in html
    assert "Send the deck" in html
    assert "due 13 Mar 2026" in html
    assert "Is the budget approved?" in html
    assert 'name="viewport"' in html
    assert 'http-equiv="refresh"' not in html


def test_a_live_page_follows_the_conversation() -> None:
    html = render_page(
        _report(completed=False),
        live=LiveLinks("/c/1/t/live", "/c/1/t/stop"),
        refresh_seconds=7,
    )
    config = json.loads(html.split('id="live-config">')[1].split("</script>")[0])
    assert config == {"socket": "/c/1/t/live", "stop": "/c/1/t/stop", "pollSeconds": 7}
    assert "new WebSocket(" in html
    assert 'id="stop"' in html
    assert 'id="pending"' in html
    # Without JavaScript it still refreshes itself.
    assert '<noscript><meta http-equiv="refresh" content="7"></noscript>' in html


def test_a_shared_live_page_has_no_stop_button_and_a_finished_page_no_script() -> None:
    shared = render_page(_report(completed=False), live=LiveLinks("/c/1/t/live"))
    assert 'id="stop"' not in shared
    assert "new WebSocket(" in shared
    finished = render_page(_report(), live=LiveLinks("/c/1/t/live", "/c/1/t/stop"))
    assert "live-config" not in finished
    assert 'id="stop"' not in finished


def test_chart_plots_each_point_and_colours_by_bucket() -> None:
    svg = sentiment_svg([(0, -0.8), (10, 0.0), (20, 0.9)], 30)
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert svg.count("<circle") == 3
    assert 'fill="#d64545"' in svg
    assert 'fill="#1f9d55"' in svg
    assert 'fill="#8a93a3"' in svg
    assert "<circle" not in sentiment_svg([], 0)


def test_long_transcripts_are_cut_with_a_link() -> None:
    report = _report(lines=12)
    msg = compose_summary(
        report,
        to=["a@example.com"],
        page_url="https://x.example/c/1/t",
        settings=MailSettings(sender="cs <cs@x.example>", transcript_lines=5),
        now=START,
    )
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None
    assert html is not None
    text = plain.get_content()
    assert "[0:40] Bob: line 4" in text
    assert "line 5 " not in text
    assert "... 7 more lines: https://x.example/c/1/t" in text
    assert "Send the deck [assignee: Bob] [due: 13 Mar 2026]" in text
    assert "&lt;script&gt;" in html.get_content()
    assert parsed["Subject"] == "Summary: Q3 <plan> & review — 11 Mar 2026"
