"""Printing a pipeline :class:`Report`: readable tables for people, Symbl JSON for programs."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from callscribe.api.schemas.conversations import message_out, sentiment_out
from callscribe.conversation.local import Report
from callscribe.records import Conversation, ConversationStatus
from callscribe.symbl.insights import (
    Members,
    analytics_json,
    question_json,
    summary_json,
    task_json,
    topic_json,
)
from callscribe.symbl.times import seconds_between


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


def report_json(report: Report) -> dict[str, Any]:
    """The Conversation API's answers for this conversation, in one object."""
    conversation = Conversation(
        id="local",
        app_id="local",
        name="local",
        type="meeting",
        source="local",
        status=ConversationStatus.COMPLETED,
        start_time=report.start,
        end_time=None,
        timezone="UTC",
        members=tuple(report.members),
    )
    members = Members(report.members)
    by_id = {a.message_id: a for a in report.analyses}
    messages = [
        message_out(
            m,
            conversation,
            verbose=True,
            sentiment=sentiment_out(by_id[m.id].sentiment) if m.id in by_id else None,
        ).model_dump(by_alias=True, exclude_none=True)
        for m in report.messages
    ]
    return {
        "messages": messages,
        "questions": [
            question_json(i, members) for i in report.insights if i.insight.type == "question"
        ],
        "actionItems": [
            task_json(i, members) for i in report.insights if i.insight.type == "action_item"
        ],
        "followUps": [
            task_json(i, members) for i in report.insights if i.insight.type == "follow_up"
        ],
        "topics": [
            topic_json(n, t, sentiment=True, parent_refs=True) for n, t in enumerate(report.topics)
        ],
        "summary": [summary_json(n, s) for n, s in enumerate(report.summary)],
        "analytics": analytics_json(report.analytics, members),
    }


def print_report(report: Report, console: Console) -> None:
    transcript = Table(title="Transcript", expand=True, show_lines=False)
    transcript.add_column("time", style="dim", no_wrap=True)
    transcript.add_column("speaker", style="bold cyan", no_wrap=True)
    transcript.add_column("text")
    transcript.add_column("sentiment", no_wrap=True)
    by_id = {a.message_id: a for a in report.analyses}
    for m in report.messages:
        analysis = by_id.get(m.id)
        mood = analysis.sentiment.suggested if analysis else ""
        colour = {"positive": "green", "negative": "red"}.get(mood, "dim")
        transcript.add_row(
            _clock(seconds_between(report.start, m.start)),
            m.member.name if m.member else "",
            m.text,
            f"[{colour}]{mood}[/]",
        )
    console.print(transcript)

    tasks = Table(title="Action items and follow-ups", expand=True)
    for column in ("type", "text", "assignee", "due"):
        tasks.add_column(column)
    questions = Table(title="Questions", expand=True)
    questions.add_column("asked by", style="bold cyan")
    questions.add_column("question")
    for item in report.insights:
        i = item.insight
        if i.type == "question":
            questions.add_row(i.speaker.name, i.text)
        else:
            due = i.due_by.value.strftime("%a %d %b %Y %H:%M") if i.due_by else ""
            kind = "follow-up" if i.type == "follow_up" else "action"
            assignee = i.assignee.name if i.assignee else ""
            tasks.add_row(kind, i.text, assignee, due)
    console.print(tasks)
    console.print(questions)

    topics = ", ".join(f"{t.text} ({t.sentiment.suggested})" for t in report.topics)
    console.print(f"[bold]Topics:[/] {topics or '-'}")
    console.print("[bold]Summary:[/]")
    for s in report.summary:
        console.print(f"  • {s.text}")
    talk = Table(title="Talk time", expand=False)
    for column in ("member", "talk", "listen", "pace (wpm)"):
        talk.add_column(column)
    for a in report.analytics.members:
        talk.add_row(a.member.name, _clock(a.talk_time), _clock(a.listen_time), f"{a.wpm:.0f}")
    console.print(talk)
