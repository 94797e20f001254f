"""A benchmark run without what ``scripts/install --dev`` adds says so in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

BLOCK = """
import runpy, sys
class Block:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] == {module!r}:
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Block)
runpy.run_module({bench!r}, run_name="__main__")
"""


@pytest.mark.parametrize(
    ("bench", "module"),
    [
        ("bench.meeting", "jiwer"),
        ("bench.latency", "whisper_normalizer"),
        ("bench.actions", "aiosmtpd"),
    ],
)
def test_a_benchmark_names_what_is_missing_and_how_to_get_it(bench: str, module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCK.format(module=module, bench=bench)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"{bench} needs the Python module {module}: run scripts/install --dev"
    )
