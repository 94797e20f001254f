"""Kept audio on real storage (SQLite and PostgreSQL) and real files: written live and from
uploads, recovered after a crash, expired by retention, cleaned up after deletions."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from callscribe.audio.files import decode_file, probe
from callscribe.config import Settings
from callscribe.errors import ConfigError, Conflict, Gone, NotFound
from callscribe.recordings import AudioWriter, RecordingFiles, Recordings, Retention
from callscribe.recordings.remote import Location
from callscribe.records import ConversationStatus
from callscribe.services import check_settings
from callscribe.storage import RecordingStatus, Storage
from callscribe.storage.recording_store import Expiring

RATE = 16_000
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def recordings_on(storage: Storage, root: Path, fmt: str = "opus") -> Recordings:
    return Recordings(storage.recordings, RecordingFiles(root), fmt, keep_by_default=False)  # type: ignore[arg-type]


async def conversation(storage: Storage, ended: datetime | None = T0) -> str:
    repo = storage.repository
    if not await repo.app_exists("app"):
        await repo.create_app("app", "app", "hash")
    conv = await repo.create_conversation(app_id="app", name="n", source="audio", start_time=T0)
    if ended is not None:
        await repo.finish_conversation(conv.id, ConversationStatus.COMPLETED, ended)
    return conv.id


@pytest.mark.parametrize("fmt", ["opus", "flac"])
def test_written_audio_decodes_to_its_length(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"a.{fmt}"
    writer = AudioWriter(path, fmt)  # type: ignore[arg-type]
    for _ in range(7):
        writer.write(tone(0.37))
    writer.write_silence(1.0)
    writer.close()
    samples = decode_file(path)
    assert abs(len(samples) / RATE - (7 * 0.37 + 1.0)) < 0.01
    assert writer.seconds == pytest.approx(7 * 0.37 + 1.0, abs=1e-3)
    assert probe(path).codec == ("opus" if fmt == "opus" else "flac")
    if fmt == "flac":  # lossless: the 16-bit signal comes back
        block = tone(0.37)
        assert np.max(np.abs(samples[: len(block)] - block)) < 1e-3


def test_a_file_cut_short_by_a_crash_decodes_up_to_where_it_stopped(tmp_path: Path) -> None:
    """A process killed mid-call leaves an unfinished Ogg file: what was flushed plays."""
    path = tmp_path / "cut.ogg"
    script = textwrap.dedent(
        f"""
        import os, numpy as np
        from callscribe.recordings import AudioWriter
        w = AudioWriter(__import__("pathlib").Path({str(path)!r}), "opus")
        for _ in range(20):
            w.write((0.3 * np.sin(np.arange(16000) / 3)).astype(np.float32))
        os._exit(9)  # no close: as kill -9 would leave it
        """
    )
    subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    seconds = len(decode_file(path)) / RATE
    assert 19.6 <= seconds <= 20.0


async def test_live_recording_keeps_every_fed_sample(storage: Storage, tmp_path: Path) -> None:
    recordings = recordings_on(storage, tmp_path)
    conv = await conversation(storage, ended=None)
    recorder = await recordings.live(conv)
    run = asyncio.create_task(recorder.run())
    with pytest.raises(Conflict, match="still being recorded"):
        await recordings.download(conv)
    for _ in range(50):  # 5 s in 100 ms frames, as a transport feeds them
        recorder.feed(tone(0.1))
        await asyncio.sleep(0)
    recorder.stop()
    recorder.feed(tone(1.0))  # after the end: not kept
    await asyncio.wait_for(run, 30)
    got = await recordings.download(conv)
    assert got.media_type == "audio/ogg"
    assert got.filename == f"{conv}.ogg"
    assert got.seconds == pytest.approx(5.0)
    assert len(decode_file(got.path)) / RATE == pytest.approx(5.0, abs=0.01)


async def test_a_cancelled_recording_is_closed_and_kept(storage: Storage, tmp_path: Path) -> None:
    """Shutdown cancels the session: what was fed is still written and the file closed."""
    recordings = recordings_on(storage, tmp_path)
    conv = await conversation(storage, ended=None)
    recorder = await recordings.live(conv)
    run = asyncio.create_task(recorder.run())
    recorder.feed(tone(2.5))
    await asyncio.sleep(0)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    got = await recordings.download(conv)
    assert len(decode_file(got.path)) / RATE == pytest.approx(2.5, abs=0.01)


async def test_uploads_append_at_their_offset_and_a_rerun_job_adds_nothing(
    storage: Storage, tmp_path: Path
) -> None:
    recordings = recordings_on(storage, tmp_path / "rec", "flac")
    first, second = tmp_path / "one.wav", tmp_path / "two.wav"
    for path, seconds in ((first, 3.0), (second, 2.0)):
        writer = AudioWriter(path.with_suffix(".flac"), "flac")
        writer.write(tone(seconds))
        writer.close()
        path.with_suffix(".flac").rename(path)
    conv = await conversation(storage)
    assert await recordings.keep_file(conv, first, 0.0, "job-1") == pytest.approx(3.0)
    # The append starts 4.5 s in: 1.5 s of silence between the two.
    assert await recordings.keep_file(conv, second, 4.5, "job-2") == pytest.approx(6.5)
    assert await recordings.keep_file(conv, second, 4.5, "job-2") == pytest.approx(6.5)
    got = await recordings.download(conv)
    samples = decode_file(got.path)
    assert len(samples) / RATE == pytest.approx(6.5, abs=0.01)
    assert np.max(np.abs(samples[int(3.1 * RATE) : int(4.4 * RATE)])) < 1e-3  # the gap
    assert np.max(np.abs(samples[int(4.6 * RATE) :])) > 0.2
    assert not list((tmp_path / "rec").glob("*.partial"))


async def test_a_recording_a_crash_left_open_is_kept_at_start(
    storage: Storage, tmp_path: Path
) -> None:
    recordings = recordings_on(storage, tmp_path)
    conv = await conversation(storage, ended=None)
    recorder = await recordings.live(conv)
    recorder.feed(tone(3.0))
    await recorder._write_held()  # written, never closed: the process died here
    assert (await storage.recordings.get(conv)).status is RecordingStatus.RECORDING  # type: ignore[union-attr]

    restarted = recordings_on(storage, tmp_path)
    assert await restarted.recover(set()) == 1
    got = await restarted.download(conv)
    assert 2.6 <= got.seconds <= 3.0  # up to a page (0.2 s) and the encoder's delay lost
    assert await restarted.recover(set()) == 0


async def test_downloads_say_why_there_is_no_audio(storage: Storage, tmp_path: Path) -> None:
    recordings = recordings_on(storage, tmp_path)
    conv = await conversation(storage)
    with pytest.raises(NotFound, match="keepAudio=true"):
        await recordings.download(conv)


async def test_retention_expires_audio_of_conversations_over_for_longer_than_the_period(
    storage: Storage, tmp_path: Path
) -> None:
    recordings = recordings_on(storage, tmp_path)
    old, recent, live = (
        await conversation(storage, ended=T0),
        await conversation(storage, ended=T0 + timedelta(days=9)),
        await conversation(storage, ended=None),
    )
    for conv in (old, recent, live):
        recorder = await recordings.live(conv)
        recorder.feed(tone(1.0))
        await recorder.finish()
    deleted: list[tuple[Expiring, str]] = []

    async def on_deleted(item: Expiring, reason: str) -> None:
        deleted.append((item, reason))

    now = T0 + timedelta(days=10)
    retention = Retention(recordings, storage.repository, on_deleted, 7, "audio", now=lambda: now)
    assert retention.pause == 3600.0
    swept = await retention.sweep()
    assert (swept.audio, swept.conversations) == (1, 0)
    with pytest.raises(Gone, match="retention policy"):
        await recordings.download(old)
    assert not (tmp_path / f"{old}.ogg").exists()
    for conv in (recent, live):  # within the period; still in progress
        assert (await recordings.download(conv)).path.is_file()
    assert (await retention.sweep()).audio == 0
    assert deleted == []  # audio only: the conversation stays, no conversation.deleted
    await storage.repository.get_conversation("app", old)


async def test_retention_of_whole_conversations_tells_before_deleting(
    storage: Storage, tmp_path: Path
) -> None:
    recordings = recordings_on(storage, tmp_path)
    old, recent = (
        await conversation(storage, ended=T0),
        await conversation(storage, T0 + timedelta(days=2)),
    )
    recorder = await recordings.live(old)
    recorder.feed(tone(1.0))
    await recorder.finish()
    told: list[str] = []

    async def on_deleted(item: Expiring, reason: str) -> None:
        assert reason == "retention"
        await storage.repository.get_conversation("app", item.conversation_id)  # still there
        told.append(item.conversation_id)

    retention = Retention(
        recordings,
        storage.repository,
        on_deleted,
        1.5,
        "conversation",
        now=lambda: T0 + timedelta(days=2),
    )
    assert (await retention.sweep()).conversations == 1
    assert told == [old]
    with pytest.raises(NotFound):
        await storage.repository.get_conversation("app", old)
    await storage.repository.get_conversation("app", recent)
    assert not (tmp_path / f"{old}.ogg").exists()
    assert await storage.recordings.get(old) is None


async def test_files_left_by_a_deletion_cut_short_are_removed(
    storage: Storage, tmp_path: Path
) -> None:
    recordings = recordings_on(storage, tmp_path)
    kept, deleted = await conversation(storage), await conversation(storage)
    for conv in (kept, deleted):
        recorder = await recordings.live(conv)
        recorder.feed(tone(0.5))
        await recorder.finish()
    await storage.repository.delete_conversation("app", deleted)  # the process died here
    assert (tmp_path / f"{deleted}.ogg").is_file()
    assert await recordings.remove_orphans() == 1
    assert not (tmp_path / f"{deleted}.ogg").exists()
    assert (tmp_path / f"{kept}.ogg").is_file()


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [("s3://calls", "calls", ""), ("s3://calls/a/b/", "calls", "a/b/")],
)
def test_s3_locations(url: str, bucket: str, prefix: str) -> None:
    location = Location.parse(url)
    assert (location.bucket, location.prefix) == (bucket, prefix)


@pytest.mark.parametrize("url", ["calls", "https://calls.example.com/x", "s3:///x", "s3://b?x=1"])
def test_a_recordings_url_that_is_not_s3_stops_the_start(url: str) -> None:
    with pytest.raises(ConfigError, match="recordings_url"):
        check_settings(Settings(recordings_url=url))
