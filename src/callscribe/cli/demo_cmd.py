"""``callscribe demo``: the whole product on one machine, no accounts, no network.

Starts the server (in-process) and the meeting-bridge simulator (a subprocess, as a real
bridge would be another machine), dials it through the real SIP path with Zoom's DTMF, shows
the meeting live, and when the recorded meeting ends prints where the conversation, its
summary page and the summary e-mail (in the outbox) are.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import click
import httpx
from rich.console import Console

from callscribe.bridge import meeting
from callscribe.cli.call_cmd import run_call, start_body
from callscribe.cli.common import make_settings
from callscribe.errors import ServiceError
from callscribe.telephony import zoom_dtmf

MEETING_ID, PASSCODE = "85012345678", "123456"


def _free_udp_port() -> int:
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port % 2 == 0:
            return port
    raise ServiceError("no free UDP port on 127.0.0.1", retryable=True)


@contextlib.contextmanager
def _bridge(port: int) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "callscribe", "bridge", "--host", "127.0.0.1",
            "--port", str(port), "--meeting-id", MEETING_ID, "--passcode", PASSCODE,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line or json.loads(line).get("event") != "ready":
            raise ServiceError("the meeting-bridge simulator did not start", retryable=False)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _speaker_events(
    bridge_proc: subprocess.Popen[str],
) -> Callable[[httpx.AsyncClient, dict[str, Any]], Coroutine[Any, Any, None]]:
    """Announce who speaks when, as a meeting platform's active-speaker feed would, through
    the Telephony API's speaker events (``POST /v1/event/{connectionId}``)."""

    async def announce(http: httpx.AsyncClient, started: dict[str, Any]) -> None:
        assert bridge_proc.stdout is not None
        stdout = bridge_proc.stdout
        while True:  # wait for the bridge to start playing the meeting
            line = await asyncio.to_thread(stdout.readline)
            if not line:
                return
            if json.loads(line).get("event") == "meeting_started":
                break
        began = time.monotonic()
        url = f"/v1/event/{started['connectionId']}"
        for item in meeting.load().lines:
            await asyncio.sleep(max(0.0, item.start - (time.monotonic() - began)))
            user = {"userId": f"{item.speaker.lower()}@example.com", "name": item.speaker}
            await http.post(url, json={"type": "started_speaking", "user": user})

    return announce


@click.command("demo")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("callscribe-demo"),
    show_default=True,
    help="Where the demo keeps its database, outbox and pages.",
)
@click.option("--email", default="you@example.com", show_default=True, help="Summary recipient.")
def demo(data_dir: Path, email: str) -> None:
    """Dial the bundled meeting simulator like a Zoom call and show everything callscribe does."""
    settings = make_settings(
        None,
        data_dir=data_dir,
        sip_listen=f"127.0.0.1:{_free_udp_port()}",
        sip_interface="127.0.0.1",
        log_level="warning",
    )
    console = Console()
    console.rule("[bold]callscribe demo")
    console.print(
        "A meeting-bridge simulator plays a recorded three-person meeting. callscribe dials it "
        f"over SIP, keys the meeting ID {MEETING_ID} and passcode {PASSCODE}, and listens."
    )
    started = time.time()
    port = _free_udp_port()
    with _bridge(port) as bridge_proc:
        body = start_body(
            {
                "type": "sip",
                "uri": f"sip:zoom@127.0.0.1:{port}",
                "dtmf": zoom_dtmf(MEETING_ID, PASSCODE),
            },
            "callscribe demo meeting",
            (email,),
        )
        status = asyncio.run(
            run_call(body, settings, console, alongside=_speaker_events(bridge_proc))
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
