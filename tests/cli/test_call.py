"""``callscribe dial`` and ``callscribe zoom`` as a user runs them: against the meeting-bridge
simulator, with an embedded server, live lines in the terminal, Ctrl-C to leave."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peers.bridge_peer import bridge
from peers.sipp_peer import free_udp_port

pytestmark = pytest.mark.slow


def cli(tmp_path: Path, *args: str, **extra_env: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSCRIBE_")}
    env.update(
        CALLSCRIBE_DATA_DIR=str(tmp_path / "data"),
        CALLSCRIBE_SIP_LISTEN=f"127.0.0.1:{free_udp_port()}",
        CALLSCRIBE_SIP_INTERFACE="127.0.0.1",
        CALLSCRIBE_LOG_LEVEL="warning",
        COLUMNS="200",
        **extra_env,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "callscribe", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_dial_until_the_bridge_hangs_up(tmp_path: Path) -> None:
    with bridge("--hangup-after", "40") as peer:
        proc = cli(tmp_path, "dial", "--sip", peer.uri(), "--dtmf", ",,85012345678#,,#,,123456#")
        out, _ = proc.communicate(timeout=150)
    assert proc.returncode == 0, out
    assert "call listening" in out
    assert "remote_hangup" in out
    assert "conversation ID:" in out
    assert "Priya" in out or ":" in out  # transcript lines were printed live
    assert "Traceback" not in out


def test_ctrl_c_leaves_the_meeting(tmp_path: Path) -> None:
    with bridge("--auth", "acct:s3cret") as trunk:
        proc = cli(
            tmp_path,
            "zoom",
            "--phone",
            "+16465588656",
            "--meeting",
            "85012345678",
            "--passcode",
            "123456",
            CALLSCRIBE_TRUNK_HOST=f"127.0.0.1:{trunk.port}",
            CALLSCRIBE_TRUNK_USERNAME="acct",
            CALLSCRIBE_TRUNK_PASSWORD="s3cret",
        )
        trunk.wait_for("meeting_started", 60)
        time.sleep(15)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=90)
        passcode = [d for d in trunk.named("digits") if d["field"] == "passcode"]
    assert proc.returncode == 0, out
    assert passcode
    assert passcode[0]["accepted"]
    assert "stopping the call" in out
    assert "call ended: stopped" in out
    assert "conversation ID:" in out
    assert "Traceback" not in out


def test_bad_arguments_are_one_line_errors(tmp_path: Path) -> None:
    proc = cli(tmp_path, "zoom", "--meeting", "85012345678")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "--phone" in out
    proc = cli(tmp_path, "dial", "--sip", "sip:a@127.0.0.1", "--dtmf", "12x")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "'x'" in out
    assert "Traceback" not in out
