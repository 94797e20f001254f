"""Rendering the summary page from a :class:`ConversationReport` (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from callscribe.actions.report import ConversationReport, clock
from callscribe.web.chart import sentiment_svg


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("callscribe.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clock"] = clock
    env.filters["day"] = lambda d: d.strftime("%d %b %Y")
    env.filters["when"] = lambda d: d.strftime("%a %d %b %Y, %H:%M UTC")
    return env


def _mood(score: float | None) -> str:
    if score is None:
        return ""
    return "positive" if score > 0.3 else "negative" if score < -0.3 else "neutral"


@dataclass(frozen=True, slots=True)
class LiveLinks:
    """Where a page of a conversation in progress follows it."""

    socket: str | None
    """Path of the page's event socket; None when no live events come (an upload)."""
    stop: str | None = None
    """Path the owner's stop button posts to; None: no button."""


def render_page(
    report: ConversationReport, *, live: LiveLinks | None = None, refresh_seconds: int = 15
) -> str:
    """The page's HTML. While the conversation is in progress it follows it: over ``live``'s
    socket (or, without one, by fetching itself every ``refresh_seconds``; without
    JavaScript, by reloading)."""
    points = [(ln.offset, ln.sentiment) for ln in report.transcript if ln.sentiment is not None]
    chart = Markup(sentiment_svg(points, report.duration))  # built from numbers only
    return (
        _env()
        .get_template("page.html")
        .render(
            r=report,
            c=report.conversation,
            chart=chart,
            mood=_mood,
            refresh=None if report.completed else refresh_seconds,
            live=None
            if report.completed
            else {
                "socket": live.socket if live else None,
                "stop": live.stop if live else None,
                "pollSeconds": refresh_seconds,
            },
        )
    )


__all__ = ["LiveLinks", "render_page"]
