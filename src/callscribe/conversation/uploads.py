"""Audio files received by the Async Audio API, kept under the data directory until processed.

Bodies are streamed to disk with a size limit (so a 1 GB upload never sits in memory) and
checked to be decodable audio before the API answers, so a bad file is a 415 at once, not a
failed job later.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from callscribe.audio.files import probe
from callscribe.errors import PayloadTooLarge, UnsupportedMedia, ValidationFailed


class UploadStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, name: str) -> Path:
        return self.root / name

    async def save(self, name: str, chunks: AsyncIterator[bytes], limit: int) -> Path:
        """Write ``chunks`` to ``name``; ``PayloadTooLarge`` past ``limit`` bytes, empty -> 400."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.path_for(name)
        size = 0
        try:
            with path.open("wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise PayloadTooLarge(f"audio is larger than the limit of {limit} bytes")
                    out.write(chunk)
            if size == 0:
                raise ValidationFailed("the request carried no audio (empty body)")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    async def check_audio(self, path: Path) -> float | None:
        """The duration in seconds if ``path`` is decodable audio; ``UnsupportedMedia`` if not."""
        try:
            info = await asyncio.to_thread(probe, path)
        except UnsupportedMedia:
            await asyncio.to_thread(path.unlink, missing_ok=True)
            raise
        return info.duration

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)
