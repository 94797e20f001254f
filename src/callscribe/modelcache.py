"""Where model files made from installed packages go (joined halves, converted networks).

Nothing is downloaded: every file here is made on this machine from weights a registry
package shipped, once, and published atomically (by rename) so that processes starting
together never read a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

CACHE_ENV = "CALLSCRIBE_MODEL_CACHE"


def cache_dir() -> Path:
    """``$CALLSCRIBE_MODEL_CACHE``, or ``~/.cache/callscribe/models``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path.home() / ".cache" / "callscribe" / "models"


def publish_file(target: Path, write: Callable[[Path], None]) -> Path:
    """``target``, written by ``write(path)`` into a temporary file beside it and renamed
    into place; a file already there is kept."""
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    os.close(fd)
    work = Path(name)
    try:
        write(work)
        work.chmod(0o644)
        work.replace(target)
    finally:
        work.unlink(missing_ok=True)
    return target


__all__ = ["CACHE_ENV", "cache_dir", "publish_file"]
