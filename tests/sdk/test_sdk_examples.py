"""Each script in ``examples/`` runs, as a user would run it, against a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from callscribe.testing.server import ServerProcess
from tests.sdk.helpers import App, Bridge, Speech, wer

EXAMPLES = Path(__file__).parents[2] / "examples"


def run(script: str, server_url: str, app_id: str, secret: str, *args: str) -> str:
    env = {
        **os.environ,
        "CALLSCRIBE_URL": server_url,
        "CALLSCRIBE_APP_ID": app_id,
        "CALLSCRIBE_APP_SECRET": secret,
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_stream_wav_example(app: App, speech: Speech) -> None:
    out = run("stream_wav.py", app.base_url, app.app_id, app.app_secret, str(speech.wav))
    lines = out.splitlines()
    assert lines[0].startswith("conversation ")
    said = [line[2:] for line in lines if line.startswith("> ")]
    assert wer(speech.texts, " ".join(said)) <= 0.15, out
    assert any(line.endswith("question(s)") for line in lines)


def test_process_recording_example(app: App, speech: Speech) -> None:
    out = run("process_recording.py", app.base_url, app.app_id, app.app_secret, str(speech.wav))
    assert out.startswith("job ")
    transcript = [line.split("s] ", 1)[1] for line in out.splitlines() if line.startswith("  [")]
    assert wer(speech.texts, " ".join(transcript)) <= 0.15, out
    assert "topics: " in out


@pytest.mark.slow
def test_zoom_example_against_the_demo_setup(zoom: Bridge, phone_server: ServerProcess) -> None:
    app_id, secret = phone_server.create_app("example")
    out = run(
        "zoom_live_transcript.py",
        phone_server.base_url,
        app_id,
        secret,
        "--meeting",
        "85012345678",
        "--passcode",
        "123456",
        "--phone",
        "+16465588656",
        "--seconds",
        "30",
    )
    lines = out.splitlines()
    assert lines[0].startswith("connected: ")
    assert "stopped: stopped" in lines
    assert "call ended: stopped" in lines
    spoken = [
        line
        for line in lines
        if ": " in line and not line.startswith(("connected", "stop", "call"))
    ]
    assert spoken, out
    assert lines.index("action items:") > lines.index("call ended: stopped")
