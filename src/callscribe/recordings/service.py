"""Kept audio of conversations (``keepAudio``): written live or from uploads, downloaded,
deleted with its conversation or by the retention policy.

A recording's row is stored before its file is opened and marked ``kept`` after the file is
closed, so at start a row still ``recording`` is a file a stopped process was writing: it is
measured and kept as far as it got (Ogg pages and FLAC frames decode up to where they stop).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path

from callscribe.audio.files import iter_file
from callscribe.audio.pcm import TARGET_RATE
from callscribe.errors import CallscribeError, Conflict, Gone, NotFound, ServiceError
from callscribe.log import get_logger
from callscribe.recordings.files import RecordingFiles, recording_id
from callscribe.recordings.live import LiveRecorder
from callscribe.recordings.remote import Part, S3Store
from callscribe.recordings.writer import CODECS, AudioWriter, Format
from callscribe.storage import Recording, RecordingStatus, RecordingStore
from callscribe.symbl.times import iso_z

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Download:
    path: Path | None
    """The file in the data directory; None when it is in S3 (read it with :meth:`read`)."""
    media_type: str
    filename: str
    seconds: float


class Recordings:
    def __init__(
        self,
        store: RecordingStore,
        files: RecordingFiles,
        fmt: Format,
        keep_by_default: bool,
        remote: S3Store | None = None,
    ) -> None:
        """``remote``: where finished recordings go (None: they stay in ``files``)."""
        self.store = store
        self.files = files
        self.format: Format = fmt
        self.keep_by_default = keep_by_default
        self.remote = remote

    def wanted(self, requested: bool | None) -> bool:
        """Whether to keep a conversation's audio: as requested, else the server default."""
        return self.keep_by_default if requested is None else requested

    # --- writing ----------------------------------------------------------------------------

    async def live(self, conversation_id: str) -> LiveRecorder:
        """A recorder for a live call or stream (its row is stored first)."""
        await self.store.start(conversation_id, self.format)
        self.files.ensure()
        path = self.files.path_for(conversation_id, self.format)
        writer = await asyncio.to_thread(AudioWriter, path, self.format)

        async def closed(seconds: float) -> None:
            await self._finished(conversation_id, path, seconds)

        return LiveRecorder(writer, closed)

    async def keep_file(
        self, conversation_id: str, source: Path, offset: float, part: str
    ) -> float:
        """Keep an uploaded recording's audio (job ``part``), starting ``offset`` seconds into
        the conversation, after audio kept before (appends); returns the recording's length.
        A part already kept (a job run again after a crash) is not added twice."""
        before = await self.store.get(conversation_id)
        if before is not None and part in before.parts:
            return before.seconds
        fmt: Format = self.format
        if before is not None and before.status is not RecordingStatus.EXPIRED:
            fmt = before.format  # type: ignore[assignment]
        else:
            before = None
        await self.store.start(conversation_id, fmt)
        self.files.ensure()
        path = self.files.path_for(conversation_id, fmt)
        if before is not None and before.location is not None and self.remote is not None:
            await asyncio.to_thread(self.remote.download, path.name, path)
        seconds = await asyncio.to_thread(
            self._rebuild, conversation_id, fmt, source, offset, path if before else None
        )
        await self._finished(conversation_id, path, seconds, part)
        return seconds

    def _rebuild(
        self, conversation_id: str, fmt: Format, source: Path, offset: float, old: Path | None
    ) -> float:
        """Old audio, silence up to ``offset``, the new audio: a new file replacing the old."""
        partial = self.files.partial_for(conversation_id, fmt)
        writer = AudioWriter(partial, fmt)
        try:
            if old is not None and old.is_file():
                writer.write_file(old)
            writer.write_silence(offset - writer.seconds)
            writer.write_file(source)
        finally:
            writer.close()
        self.files.commit(partial, self.files.path_for(conversation_id, fmt))
        return writer.seconds

    async def _finished(
        self, conversation_id: str, path: Path, seconds: float, part: str | None = None
    ) -> None:
        """Record the finished file; with S3, upload it first and then drop the local copy
        (an upload that fails leaves it in the data directory, where it is served from)."""
        size = await asyncio.to_thread(_size, path)
        location = None
        if self.remote is not None and size:
            try:
                await asyncio.to_thread(self.remote.upload, path, path.name)
                location = self.remote.location.url
            except CallscribeError as exc:
                log.error("audio kept in the data directory", reason=exc.message)
        await self.store.finish(conversation_id, seconds, size, part, location)
        if location is not None:
            await asyncio.to_thread(path.unlink, True)
        log.info(
            "audio kept",
            conversation_id=conversation_id,
            seconds=round(seconds, 2),
            location=location or "data directory",
        )

    async def recover(self, live_nodes: set[str]) -> int:
        """Keep, as far as they got, the recordings a stopped node was writing (files on
        another machine's disk are lost with it: they are kept empty)."""
        recovered = 0
        for rec in await self.store.unfinished(live_nodes):
            path = self.files.path_for(rec.conversation_id, rec.format)  # type: ignore[arg-type]
            seconds = await asyncio.to_thread(_length, path)
            partial = self.files.partial_for(rec.conversation_id, rec.format)  # type: ignore[arg-type]
            partial.unlink(missing_ok=True)  # an append cut short: the job runs it again
            await self._finished(rec.conversation_id, path, seconds)
            log.warning(
                "kept the audio a stopped process was writing",
                conversation_id=rec.conversation_id,
                seconds=round(seconds, 2),
            )
            recovered += 1
        return recovered

    # --- reading ----------------------------------------------------------------------------

    async def download(self, conversation_id: str) -> Download:
        """The kept audio of a conversation (already checked to be the caller's)."""
        rec = await self.store.get(conversation_id)
        if rec is None:
            raise NotFound(
                f"conversation {conversation_id} has no audio: it is kept only when asked "
                "(keepAudio=true) or when the server keeps audio by default (KEEP_AUDIO)"
            )
        if rec.status is RecordingStatus.RECORDING:
            raise Conflict(
                f"the audio of conversation {conversation_id} is still being recorded; "
                "it can be downloaded when the conversation has ended"
            )
        if rec.status is RecordingStatus.EXPIRED:
            raise Gone(
                f"the audio of conversation {conversation_id} was deleted on "
                f"{iso_z(rec.updated_at)} by the retention policy (RETENTION_DAYS)"
            )
        codec = CODECS[rec.format]
        name = f"{conversation_id}.{codec.extension}"
        if rec.location is not None:
            if self.remote is None or self.remote.location.url != rec.location:
                raise ServiceError(
                    f"the audio of conversation {conversation_id} is in {rec.location}, which "
                    "this server is not configured to read (RECORDINGS_URL)",
                    retryable=False,
                )
            return Download(None, codec.media_type, name, rec.seconds)
        path = self._path(rec)
        if not await asyncio.to_thread(path.is_file):
            if rec.seconds == 0:
                raise NotFound(f"conversation {conversation_id} received no audio to keep")
            raise NotFound(f"the audio file of conversation {conversation_id} is missing")
        return Download(path, codec.media_type, name, rec.seconds)

    async def read(self, download: Download, byte_range: str | None) -> Part:
        """A recording kept in S3, or the ``bytes=a-b`` part of it."""
        assert self.remote is not None
        return await asyncio.to_thread(self.remote.read, download.filename, byte_range)

    def _path(self, rec: Recording) -> Path:
        return self.files.path_for(rec.conversation_id, rec.format)  # type: ignore[arg-type]

    # --- deleting ---------------------------------------------------------------------------

    async def remove(self, conversation_id: str) -> None:
        """Delete the files of a deleted conversation (its row went with it)."""
        await asyncio.to_thread(self._remove, conversation_id)

    async def expire(self, conversation_id: str) -> None:
        """The retention policy: the audio goes, the row says when."""
        await asyncio.to_thread(self._remove, conversation_id)
        await self.store.mark_expired(conversation_id)

    def _remove(self, conversation_id: str) -> None:
        self.files.remove(conversation_id)
        if self.remote is not None:
            for codec in CODECS.values():
                self.remote.delete(f"{conversation_id}.{codec.extension}")

    async def remove_orphans(self) -> int:
        """Delete files whose conversation or recording is gone (a deletion cut short)."""
        on_disk = await asyncio.to_thread(self.files.conversation_ids)
        if self.remote is not None:
            names = await asyncio.to_thread(self.remote.names)
            on_disk |= {i for n in names if (i := recording_id(n)) is not None}
        wanted = await self.store.with_files(on_disk)
        orphans = on_disk - wanted
        for conversation_id in orphans:
            await asyncio.to_thread(self._remove, conversation_id)
        if orphans:
            log.info("deleted audio of deleted conversations", files=len(orphans))
        return len(orphans)


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def _length(path: Path) -> float:
    """Seconds of audio a (possibly cut short) file decodes to; 0 if none."""
    samples = 0
    with contextlib.suppress(CallscribeError):
        for block in iter_file(path):
            samples += len(block)
    return samples / TARGET_RATE


__all__ = ["Download", "Recordings"]
