"""Where kept audio lives on disk: ``<data dir>/recordings/<conversation id>.<ext>``.

Files are named by conversation, so a conversation has at most one recording and a file
whose conversation is gone is recognisable by its name alone.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from callscribe.recordings.writer import CODECS, Format

_PARTIAL = ".partial"
"""Suffix of a file being rebuilt (audio appended to kept audio), renamed over the old one."""
_NAME = re.compile(
    r"([A-Za-z0-9]+)\.(?:{})(?:{})?".format(
        "|".join(re.escape(c.extension) for c in CODECS.values()), re.escape(_PARTIAL)
    )
)


def recording_id(name: str) -> str | None:
    """The conversation a file name is the recording of (None: not a recording's name)."""
    match = _NAME.fullmatch(name)
    return match[1] if match else None


class RecordingFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, conversation_id: str, fmt: Format) -> Path:
        if not conversation_id.isalnum():  # ids are Symbl-style digits; never a path
            raise ValueError(f"not a conversation id: {conversation_id!r}")
        return self.root / f"{conversation_id}.{CODECS[fmt].extension}"

    def partial_for(self, conversation_id: str, fmt: Format) -> Path:
        path = self.path_for(conversation_id, fmt)
        return path.with_name(path.name + _PARTIAL)

    def commit(self, partial: Path, final: Path) -> None:
        """Replace ``final`` by ``partial`` atomically (a crash keeps one or the other)."""
        os.replace(partial, final)

    def remove(self, conversation_id: str) -> int:
        """Delete the conversation's audio files; returns how many there were."""
        if not conversation_id.isalnum():
            return 0
        removed = 0
        for path in self.root.glob(f"{conversation_id}.*"):
            if not _NAME.fullmatch(path.name):
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        return removed

    def conversation_ids(self) -> set[str]:
        """The conversations that have a file here (partial ones included); files not named
        as recordings are not ours and are never counted."""
        if not self.root.is_dir():
            return set()
        return {
            i
            for p in self.root.iterdir()
            if p.is_file() and (i := recording_id(p.name)) is not None
        }


__all__ = ["RecordingFiles", "recording_id"]
