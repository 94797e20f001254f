"""The project holds only code it wrote: Symbl's tutorial program is read from the tutorial
beside the project (``../shared/seed/``) when a test runs it, never kept as a file here."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.symbl_node.test_symbl_node_tutorial import tutorial_program

ROOT = Path(__file__).parents[1]


def test_no_file_of_the_project_holds_the_tutorials_program() -> None:
    program = tutorial_program()
    assert program.startswith('const {sdk, SpeakerEvent} = require("@symblai/symbl-js");')
    telling = [
        line.strip()
        for line in program.splitlines()
        if len(line.strip()) > 30 and "appId" not in line and "require(" not in line
    ]
    assert len(telling) >= 8
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    holding = []
    for name in filter(None, files):
        path = ROOT / name.decode()
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        shared = sum(line in text for line in telling)
        if shared >= len(telling) // 2:
            holding.append(f"{name.decode()} ({shared} of {len(telling)} lines)")
    assert not holding, f"files that copy Symbl's tutorial program: {holding}"
