"""Printing a call's live events in a terminal: state, transcript lines, insights."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.status import Status


class LiveView:
    """Turns Symbl events into readable lines; the current hypothesis shows in a status line."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.status: Status | None = None
        self.conversation_id: str | None = None
        self.messages = 0
        self.insights = 0
        self.error: str | None = None
        self.summary_url: str | None = None
        self._seen: set[str] = set()  # insight ids: one sent again was revised

    def start(self) -> None:
        self.status = self.console.status("connecting…")
        self.status.start()

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def _line(self, text: str) -> None:
        self.console.print(text, highlight=False)

    def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "message":
            self._message(event["message"])
        elif kind == "message_response":
            for m in event["messages"]:
                self.messages += 1
                who = m.get("from", {}).get("name") or "speaker"
                offset = m.get("duration", {}).get("timeOffset", 0.0)
                minutes, seconds = divmod(int(offset), 60)
                self._line(
                    f"[dim]{minutes:02d}:{seconds:02d}[/] [bold cyan]{who}[/]: "
                    f"{m['payload']['content']}"
                )
        elif kind == "insight_response":
            for i in event["insights"]:
                again = i.get("id") in self._seen
                self._seen.add(i.get("id", ""))
                self.insights += not again
                self._line("  " + ("[dim]updated[/] " if again else "") + _insight(i))
        elif kind == "topic_response":
            topics = ", ".join(t["phrases"] for t in event["topics"][:5])
            self._line(f"  [magenta]topics[/] {topics}")

    def _message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "call_state":
            data = message.get("data", {})
            state = data.get("state", "")
            detail = data.get("reason") or ""
            self._line(f"[yellow]call {state}[/]{' (' + detail + ')' if detail else ''}")
            if self.status is not None:
                self.status.update(f"call {state}")
        elif kind == "recognition_started":
            self.conversation_id = message.get("data", {}).get("conversationId")
        elif kind == "recognition_result" and not message.get("isFinal"):
            text = message.get("punctuated", {}).get("transcript", "")
            if self.status is not None and text:
                self.status.update(f"[dim]… {text[-100:]}[/]")
        elif kind == "error":
            self.error = message.get("error", {}).get("message", "error")
            self._line(f"[bold red]error:[/] {self.error}")
        elif kind == "conversation_completed":
            self.summary_url = message.get("data", {}).get("summaryUrl")
            self._line("[green]conversation completed[/]")


def _insight(i: dict[str, Any]) -> str:
    text = i.get("payload", {}).get("content", "")
    kind = i.get("type", "")
    if kind == "question":
        return f"[blue]question[/] {text}"
    label = "follow-up" if kind == "follow_up" else "action item"
    extra = []
    if (assignee := i.get("assignee", {}).get("name")) is not None:
        extra.append(f"for {assignee}")
    if due := (i.get("dueBy") or {}).get("value"):
        extra.append(f"due {due[:16].replace('T', ' ')}")
    suffix = f" [dim]({', '.join(extra)})[/]" if extra else ""
    return f"[green]{label}[/] {text}{suffix}"
