"""What a benchmark needs beyond the README's first command, checked before it imports any of
it: a missing piece is one line saying how to get it (``scripts/install --dev``), not a
traceback. Each benchmark's package calls :func:`require` first thing."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

DEV = "scripts/install --dev"
ASTERISK_PROMPTS = (
    Path("/usr/share/asterisk/sounds/en_US_f_Allison"),
    Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"),
)
"""Asterisk's recorded English prompts and their transcripts (reference speech; Debian's
``asterisk-core-sounds-en-wav``)."""


def missing(
    *, modules: tuple[str, ...] = (), files: tuple[Path, ...] = (), programs: tuple[str, ...] = ()
) -> list[str]:
    """What of the given Python modules, files and programs on PATH this machine lacks."""
    out = [f"the Python module {m}" for m in modules if not _importable(m)]
    out += [str(f) for f in files if not f.exists()]
    out += [f"the program {p}" for p in programs if shutil.which(p) is None]
    return out


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(
    bench: str,
    *,
    modules: tuple[str, ...] = (),
    files: tuple[Path, ...] = (),
    programs: tuple[str, ...] = (),
) -> None:
    """Exit (status 2) with one line naming what ``bench`` lacks and how to get it."""
    lacking = missing(modules=modules, files=files, programs=programs)
    if lacking:
        print(f"{bench} needs {', '.join(lacking)}: run {DEV}", file=sys.stderr)
        raise SystemExit(2)


__all__ = ["ASTERISK_PROMPTS", "DEV", "missing", "require"]
