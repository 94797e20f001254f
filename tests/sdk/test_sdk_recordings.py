"""Kept audio through the SDK: ``keep_audio=`` on uploads, URLs and streams, and
``conversation.download_audio`` in both clients, against a real server."""

from __future__ import annotations

import shutil
from pathlib import Path

import callscribe_sdk as cs
import pytest

from callscribe.audio.files import decode_file
from tests.sdk.helpers import App, Speech

RATE = 16_000


def seconds(path: Path) -> float:
    return len(decode_file(path, rate=RATE)) / RATE


def test_uploads_and_urls_kept_and_downloaded(
    app: App, speech: Speech, files: tuple[Path, str], tmp_path: Path
) -> None:
    length = seconds(speech.wav)
    with cs.Client(app.base_url, app.app_id, app.app_secret) as client:
        job = client.process_audio_file(speech.wav, keep_audio=True)
        job.wait(timeout=180)
        saved = job.conversation.download_audio(tmp_path / "upload.ogg")
        assert saved == tmp_path / "upload.ogg"
        assert seconds(saved) == pytest.approx(length, abs=0.05)

        root, url = files
        shutil.copy(speech.wav, root / "kept.wav")
        by_url = client.process_audio_url(f"{url}/kept.wav", keep_audio=True)
        by_url.wait(timeout=180)
        assert seconds(by_url.conversation.download_audio(tmp_path / "url.ogg")) == pytest.approx(
            length, abs=0.05
        )

        plain = client.process_audio_file(speech.wav)  # not asked: not kept
        plain.wait(timeout=180)
        with pytest.raises(cs.NotFound, match="keepAudio=true"):
            plain.conversation.download_audio(tmp_path / "none.ogg")
        assert not (tmp_path / "none.ogg").exists()
        assert not (tmp_path / "none.ogg.part").exists()


async def test_a_stream_kept_and_downloaded_by_the_async_client(
    app: App, speech: Speech, tmp_path: Path
) -> None:
    async with cs.AsyncClient(app.base_url, app.app_id, app.app_secret) as client:
        async with client.stream(speech.wav, keep_audio=True) as stream:
            async for _event in stream.events(timeout=120):
                pass
        conversation = client.conversation(stream.conversation_id)
        saved = await conversation.download_audio(tmp_path / "stream.ogg")
    assert seconds(saved) == pytest.approx(seconds(speech.wav), abs=0.05)
