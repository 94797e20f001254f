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
from typing import TypeVar

from callscribe.log import get_logger

log = get_logger(__name__)
T = TypeVar("T")

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


def open_or_make(target: Path, make: Callable[[Path], None], use: Callable[[Path], T]) -> T:
    """``use(target)``, the file made by ``make`` (:func:`publish_file`) first when it is not
    there; a file ``use`` cannot read (damaged) is made again, once."""
    publish_file(target, make)
    try:
        return use(target)
    except Exception:
        log.warning("a cached model file is damaged; making it again", path=str(target))
        target.unlink(missing_ok=True)
        return use(publish_file(target, make))


__all__ = ["CACHE_ENV", "cache_dir", "open_or_make", "publish_file"]
