"""``pip install ./sdk`` into a fresh virtual environment pulls only httpx, websockets and
pydantic (and what they need) -- no torch, spaCy, faster-whisper or baresip -- and the
installed copy talks to a real server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sdk.helpers import App

SDK = Path(__file__).parents[2] / "sdk"

# What the four dependencies bring with them, and the venv's own tools.
ALLOWED = {
    "callscribe-sdk",
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "idna",
    "certifi",
    "sniffio",
    "websockets",
    "pydantic",
    "pydantic-core",
    "annotated-types",
    "typing-extensions",
    "typing-inspection",
    "standardwebhooks",
    "pip",
    "setuptools",
}
HEAVY = {"torch", "spacy", "faster-whisper", "ctranslate2", "baresip-python", "callscribe"}

SMOKE = """
import json, sys
import callscribe_sdk as cs
url, app_id, secret = sys.argv[1:4]
with cs.Client(url, app_id, secret) as client:
    job = client.process_text(["Can you send me the notes by Friday?"])
    job.wait(timeout=120)
    questions = job.conversation.questions()
    print(json.dumps({"file": cs.__file__, "messages": len(job.conversation.messages()),
                      "questions": [q.text for q in questions]}))
"""


@pytest.mark.slow
def test_sdk_installs_alone_into_a_fresh_venv(tmp_path: Path, app: App) -> None:
    source = tmp_path / "sdk"
    shutil.copytree(
        SDK, source, ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__")
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr

    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    names = {p["name"].lower().replace("_", "-") for p in json.loads(listed.stdout)}
    assert not names & HEAVY
    assert names <= ALLOWED, names - ALLOWED
    versions = {p["name"].lower(): p["version"] for p in json.loads(listed.stdout)}
    assert (versions["httpx"], versions["websockets"], versions["pydantic"]) == (
        "0.28.1",
        "17.4",
        "2.13.4",
    )

    smoke = subprocess.run(
        [str(python), "-c", SMOKE, app.base_url, app.app_id, app.app_secret],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp_path,
    )
    assert smoke.returncode == 0, smoke.stderr
    result = json.loads(smoke.stdout)
    assert result["file"].startswith(str(venv))  # the installed copy, not the source tree
    assert result["messages"] == 1
    assert result["questions"] == ["Can you send me the notes by Friday?"]
