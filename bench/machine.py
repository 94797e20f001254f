"""What machine a benchmark ran on: figures mean little without the CPU and its load."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_model() -> str:
    for line in _cpuinfo():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def cpu_flags(*wanted: str) -> str:
    """Which of the ``wanted`` instruction-set flags the CPU has, e.g. ``avx2 yes, avx512f no``."""
    flags: set[str] = set()
    for line in _cpuinfo():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    return ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in wanted)


def load() -> str:
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def cpu() -> str:
    """The CPU model and the flags speech inference depends on."""
    return f"{cpu_model()} ({cpu_flags('avx2', 'avx512f')})"


def describe() -> str:
    """One line: model, the flags speech inference depends on, and the load now."""
    return f"{cpu()}; {load()}"


def ending() -> str:
    """The load when a benchmark ends: a run that others shared the machine with shows here."""
    return f"{load()} at the end"


def process_cpu_seconds(pid: int) -> float:
    """User+system CPU another process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


__all__ = ["cpu", "cpu_flags", "cpu_model", "describe", "ending", "load", "process_cpu_seconds"]
