"""The summary e-mail and the "listening now" e-mail, composed from a report (no I/O).

Each message has a plain-text and an HTML part (``multipart/alternative``), rendered from
Jinja templates shipped in this package. A long transcript is cut after ``transcript_lines``
lines, with a link to the summary page for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from callscribe.actions.report import ConversationReport, clock
from callscribe.records import Conversation


@dataclass(frozen=True, slots=True)
class MailSettings:
    sender: str
    transcript_lines: int = 200


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("callscribe.actions", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clock"] = clock
    env.filters["day"] = lambda d: d.strftime("%d %b %Y")
    env.filters["when"] = lambda d: d.strftime("%a %d %b %Y, %H:%M UTC")
    return env


def _message(
    settings: MailSettings, to: Sequence[str], subject: str, text: str, html: str, now: datetime
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain="callscribe.local")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def summary_subject(conversation: Conversation) -> str:
    day = conversation.start_time.strftime("%d %b %Y")
    return f"Summary: {conversation.name} — {day}"


def compose_summary(
    report: ConversationReport,
    *,
    to: Sequence[str],
    page_url: str,
    settings: MailSettings,
    now: datetime,
) -> EmailMessage:
    """The e-mail sent when a conversation completes."""
    lines = report.transcript[: settings.transcript_lines]
    values = {
        "r": report,
        "c": report.conversation,
        "page_url": page_url,
        "lines": lines,
        "cut": len(report.transcript) - len(lines),
    }
    text = _env().get_template("summary.txt").render(values)
    html = _env().get_template("summary.html").render(values)
    return _message(settings, to, summary_subject(report.conversation), text, html, now)


def compose_started(
    conversation: Conversation,
    *,
    to: Sequence[str],
    page_url: str,
    settings: MailSettings,
    now: datetime,
) -> EmailMessage:
    """The short e-mail of an ``invokeOn: "start"`` action: listening now, and the live page."""
    values = {"c": conversation, "page_url": page_url}
    text = _env().get_template("started.txt").render(values)
    html = _env().get_template("started.html").render(values)
    subject = f"Listening now: {conversation.name}"
    return _message(settings, to, subject, text, html, now)


__all__ = ["MailSettings", "compose_started", "compose_summary", "summary_subject"]
