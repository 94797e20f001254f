"""``callscribe demo``: the whole product on one machine, no accounts, no network.

Starts the server (in-process) and the meeting-bridge simulator (a subprocess, as a real
bridge would be another machine), dials it through the real SIP path with Zoom's DTMF, shows
the meeting live, and when the recorded meeting ends prints where the conversation, its
summary page and the summary e-mail (in the outbox) are. ``--meeting`` plays a user's own
recording instead; with its ``--script``, the script drives the speaker feed a meeting
platform would send (speaker events with timestamps).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import click
import httpx
from rich.console import Console

from callscribe.bridge import meeting
from callscribe.bridge.feed import announce
from callscribe.bridge.process import (
    MEETING_ID,
    PASSCODE,
    RunningBridge,
    bridge_process,
    free_udp_port,
    meeting_started,
)
from callscribe.cli.call_cmd import run_call, start_body
from callscribe.cli.common import make_settings, meeting_options
from callscribe.errors import UnsupportedMedia
from callscribe.telephony import zoom_dtmf


def check_recording(recording: Path) -> None:
    """``UnsupportedMedia`` naming the file when it is not a recording the decoder reads."""
    from callscribe.audio.files import probe

    try:
        probe(recording)
    except UnsupportedMedia as exc:
        raise UnsupportedMedia(f"--meeting {recording}: {exc.message}") from exc


def _speaker_events(
    bridge: RunningBridge, lines: Sequence[meeting.Line]
) -> Callable[[httpx.AsyncClient, dict[str, Any]], Coroutine[Any, Any, None]]:
    """Announce who speaks when, as a meeting platform's active-speaker feed would, through
    the Telephony API's speaker events (``POST /v1/event/{connectionId}``, with timestamps)."""

    async def feed(http: httpx.AsyncClient, started: dict[str, Any]) -> None:
        at = await meeting_started(bridge)
        if at is not None and lines:
            await announce(http, f"/v1/event/{started['connectionId']}", lines, at)

    return feed


@click.command("demo")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("callscribe-demo"),
    show_default=True,
    help="Where the demo keeps its database, outbox and pages.",
)
@click.option("--email", default="you@example.com", show_default=True, help="Summary recipient.")
@meeting_options
def demo(data_dir: Path, email: str, recording: Path | None, script: Path | None) -> None:
    """Dial the bundled meeting simulator like a Zoom call and show everything callscribe does."""
    # Bad files are one-line errors before anything starts; the bridge decodes the recording.
    lines: tuple[meeting.Line, ...] = ()
    if script is not None:
        lines = meeting.read_script(script)
    elif recording is None:
        lines = meeting.bundled().lines
    if recording is not None:
        check_recording(recording)
    settings = make_settings(
        None,
        data_dir=data_dir,
        sip_listen=f"127.0.0.1:{free_udp_port()}",
        sip_interface="127.0.0.1",
        log_level="warning",
    )
    console = Console()
    console.rule("[bold]callscribe demo")
    what = "a recorded three-person meeting" if recording is None else str(recording)
    console.print(
        f"A meeting-bridge simulator plays {what}. callscribe dials it over SIP, keys the "
        f"meeting ID {MEETING_ID} and passcode {PASSCODE}, and listens."
    )
    started = time.time()
    with bridge_process(recording, script) as bridge:
        body = start_body(
            {
                "type": "sip",
                "uri": bridge.uri,
                "dtmf": zoom_dtmf(MEETING_ID, PASSCODE),
            },
            "callscribe demo meeting",
            (email,),
        )
        status = asyncio.run(
            run_call(body, settings, console, alongside=_speaker_events(bridge, lines))
        )
    console.rule("[bold]where everything is")
    console.print(f"conversation     {status['conversationId']}")
    console.print(f"data directory   {settings.data_dir.resolve()}")
    if status.get("summaryUrl"):
        console.print(f"summary page     {status['summaryUrl']}  (while a server runs on it)")
    outbox = settings.data_dir / "outbox"
    mails = sorted(p for p in outbox.glob("*.eml") if p.stat().st_mtime >= started - 1)
    for mail in mails:
        console.print(f"summary e-mail   {mail.resolve()}")
    if not mails:
        console.print(f"summary e-mail   (none written to {outbox.resolve()})")
    console.print(
        "inspect it with: callscribe serve --data-dir "
        f"{settings.data_dir} and GET /v1/conversations/{status['conversationId']}/summary"
    )
