"""``callscribe bridge``: run the meeting-bridge simulator (a fake Zoom dial-in) on this machine."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import click

from callscribe.cli.common import meeting_options
from callscribe.errors import ValidationFailed


def _print(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


@click.command("bridge")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=5080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="SIP port (UDP and TCP); 0: any free one, named by the ready line.",
)
@click.option("--meeting-id", default="85012345678", show_default=True)
@click.option("--passcode", default="123456", show_default=True, help="Empty: no passcode.")
@click.option("--auth", default=None, metavar="USER:PASSWORD", help="Act as a digest-auth trunk.")
@click.option(
    "--codecs",
    default="g722,opus,pcmu,pcma",
    show_default=True,
    help="Codecs to accept, in order of preference.",
)
@click.option("--hangup-after", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS")
@meeting_options
def bridge(
    host: str,
    port: int,
    meeting_id: str,
    passcode: str,
    auth: str | None,
    codecs: str,
    hangup_after: float | None,
    recording: Path | None,
    script: Path | None,
) -> None:
    """Answer SIP calls like Zoom's phone dial-in and play a recorded meeting.

    Prints one JSON line per event (ready, call, digits, meeting_started with the wall-clock
    time of the meeting's first sample, hangup).
    """
    from callscribe.bridge import meeting
    from callscribe.bridge.server import CODEC_SPECS, BridgeServer, BridgeSettings

    chosen = tuple(c.strip().lower() for c in codecs.split(",") if c.strip())
    unknown = [c for c in chosen if c not in CODEC_SPECS]
    if unknown or not chosen:
        raise ValidationFailed(f"--codecs: unknown {unknown}; choose from {sorted(CODEC_SPECS)}")

    credentials = None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise ValidationFailed("--auth: expected USER:PASSWORD")
        credentials = (user, password)
    settings = BridgeSettings(
        host=host,
        port=port,
        meeting_id=meeting_id,
        passcode=passcode or None,
        auth=credentials,
        hangup_after=hangup_after,
        codecs=chosen,
        meeting=meeting.load(recording, script),
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(BridgeServer(settings, _print).run())
