"""``callscribe dial`` and ``callscribe zoom`` as a user runs them: against the meeting-bridge
simulator, with an embedded server, live lines in the terminal, Ctrl-C to leave."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bench.asr import corpus
from callscribe.audio.files import decode_file
from callscribe.audio.pcm import float_to_s16le
from peers.bridge_peer import bridge
from peers.sipp_peer import free_udp_port
from tests.sdk.helpers import write_wav

pytestmark = pytest.mark.slow


def cli(
    tmp_path: Path, *args: str, sip_settings: bool = True, **extra_env: str
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSCRIBE_")}
    env.update(
        CALLSCRIBE_DATA_DIR=str(tmp_path / "data"),
        CALLSCRIBE_LOG_LEVEL="warning",
        COLUMNS="200",
        **extra_env,
    )
    if sip_settings:
        env.update(
            CALLSCRIBE_SIP_LISTEN=f"127.0.0.1:{free_udp_port()}",
            CALLSCRIBE_SIP_INTERFACE="127.0.0.1",
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


def test_dial_a_bridge_on_this_machine_with_no_sip_settings(tmp_path: Path) -> None:
    """Default settings: the SIP user agent takes the loopback interface because the route to
    the target says so (a local PBX or ``callscribe bridge``)."""
    with bridge("--hangup-after", "12") as peer:
        assert "@127.0.0.1:" in peer.uri()
        proc = cli(
            tmp_path,
            "dial",
            "--sip",
            peer.uri(),
            "--dtmf",
            ",,85012345678#,,#,,123456#",
            sip_settings=False,
        )
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert "no local address" not in out
    assert "call listening" in out
    assert "remote_hangup" in out


def test_the_bridge_plays_your_own_recording_with_its_script(tmp_path: Path) -> None:
    """A FLAC of two real prompts and their script: the bridge plays it as the meeting, says
    when its first sample left, and the call's transcript is that recording's words: not the
    bridge's own "You are now joining the meeting." before it, nor "The meeting has ended.
    Goodbye." after it."""
    first, second = corpus.subset(3, max_seconds=6.0)[1:]
    gap = np.zeros(8000, dtype=np.float32)
    a, b = decode_file(first.wav, rate=8000), decode_file(second.wav, rate=8000)
    audio = np.concatenate([gap, a, gap, b, gap])
    wav = write_wav(tmp_path / "mine.wav", float_to_s16le(audio), 8000)
    flac = tmp_path / "mine.flac"
    subprocess.run(["sox", str(wav), str(flac)], check=True)
    lines = [
        {"speaker": "Ann", "text": first.text, "start": 1.0, "end": 1.0 + len(a) / 8000},
        {"speaker": "Bob", "text": second.text, "start": 2.0 + len(a) / 8000, "end": 5.0},
    ]
    script = tmp_path / "mine.json"
    script.write_text(json.dumps({"lines": lines}))
    with bridge("--meeting", str(flac), "--script", str(script)) as peer:
        proc = cli(tmp_path, "dial", "--sip", peer.uri(), "--dtmf", ",,85012345678#,,#,,123456#")
        out, _ = proc.communicate(timeout=150)
        started = peer.wait_for("meeting_started", 5)
    assert proc.returncode == 0, out
    assert "remote_hangup" in out
    assert abs(started["at"] - time.time()) < 150  # a wall-clock time, for a speaker feed
    heard = " ".join(line for line in out.splitlines() if ":" in line)
    for prompt in (first, second):
        words = [w for w in prompt.text.lower().split() if len(w) > 3]
        assert sum(w in heard.lower() for w in words) >= len(words) // 2, (prompt.text, out)
    assert "joining the meeting" not in heard.lower(), out
    assert "goodbye" not in heard.lower(), out


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
    proc = cli(tmp_path, "demo", "--meeting", str(tmp_path / "none.wav"))
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "none.wav" in out
    assert "does not exist" in out
    script = tmp_path / "script.json"
    script.write_text('{"lines": [{"speaker": "Ann", "text": "hi"}]}')
    proc = cli(tmp_path, "demo", "--script", str(script))
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "line 0 needs speaker, text, start and end" in out
    assert "Traceback" not in out
