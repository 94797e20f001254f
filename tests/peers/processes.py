"""Ending a test peer's process."""

from __future__ import annotations

import subprocess
from typing import Any


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, then SIGKILL if it has not exited within 5 s; reaped either way."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
