"""The Streaming API through the SDK with real recorded speech: a WAV file (sync, callbacks
and iterator together), raw PCM from an async generator at real-time pace, and refusals."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator

import callscribe_sdk as cs
import pytest
from callscribe_sdk import models

from callscribe.pipeline.sentences import tidy
from tests.sdk.helpers import App, Speech, make_speech, wer


def finals(events: list[models.LiveEvent]) -> list[str]:
    return [e.transcript for e in events if isinstance(e, models.RecognitionResult) and e.is_final]


def as_messages(texts: list[str]) -> list[str]:
    """The finals as messages read: one the recogniser began mid-sentence ("to listen to it.")
    starts with a capital."""
    return [tidy(t) for t in texts]


def test_stream_a_wav_file_with_callbacks_and_iterator(app: App, speech: Speech) -> None:
    by_callback: list[models.MessageResponse] = []
    everything: list[str] = []
    threads: set[str] = set()

    def on_messages(event: models.LiveEvent) -> None:
        assert isinstance(event, models.MessageResponse)
        by_callback.append(event)
        threads.add(threading.current_thread().name)

    with (
        cs.Client(app.base_url, app.app_id, app.app_secret) as client,
        client.stream(
            speech.wav, name="WAV stream", speaker_name="Allison", speaker_user_id="a@example.com"
        ) as stream,
    ):
        stream.subscribe(
            {"message_response": on_messages, "*": lambda e: everything.append(e.kind)}
        )
        events = list(stream.events(timeout=120))
        stream.wait(timeout=10)

    kinds = [e.kind for e in events]
    assert kinds[:2] == ["started_listening", "recognition_started"]
    assert kinds[-1] == "conversation_completed"
    assert "error" not in kinds
    assert everything == kinds  # callbacks saw every event, in the same order
    assert threads == {"callscribe-live"}  # live callbacks run on the reader thread
    texts = finals(events)
    assert wer(speech.texts, " ".join(texts)) <= 0.15, texts
    final = next(e for e in events if isinstance(e, models.RecognitionResult) and e.is_final)
    assert final.words
    assert final.user is not None
    assert final.user.name == "Allison"

    live = [m for e in by_callback for m in e.messages]
    assert [m.text for m in live] == as_messages(texts)
    assert all(m.from_ is not None and m.from_.name == "Allison" for m in live)
    completed = events[-1]
    assert isinstance(completed, models.ConversationCompleted)
    assert completed.conversation_id == stream.conversation_id

    with cs.Client(app.base_url, app.app_id, app.app_secret) as client:
        conv = client.conversation(stream.conversation_id)
        assert [m.text for m in conv.messages()] == as_messages(texts)
        assert conv.info().name == "WAV stream"


async def test_async_stream_of_raw_pcm_at_real_time_pace(
    app: App, tmp_path_factory: pytest.TempPathFactory
) -> None:
    narrow = make_speech(tmp_path_factory.mktemp("narrow"), 2, 8000)
    sent = asyncio.Event()

    async def microphone() -> AsyncIterator[bytes]:
        for offset in range(0, len(narrow.pcm), 320):  # 20 ms frames, as a phone sends them
            yield narrow.pcm[offset : offset + 320]
        sent.set()

    seen: list[str] = []

    async def on_result(event: models.LiveEvent) -> None:  # async callbacks are awaited
        seen.append(event.kind)

    loop = asyncio.get_running_loop()
    began = loop.time()
    async with (
        cs.AsyncClient(app.base_url, app.app_id, app.app_secret) as client,
        client.stream(microphone(), sample_rate=8000, realtime=True, name="Mic") as stream,
    ):
        await stream.subscribe({"recognition_result": on_result})
        events = [e async for e in stream.events(timeout=120)]
        await stream.wait()
        messages = await stream.conversation.messages()
    took = loop.time() - began

    seconds = len(narrow.pcm) / 2 / 8000
    assert sent.is_set()
    assert took >= seconds * 0.95  # paced at the audio's own speed, not faster
    assert [e.kind for e in events][-1] == "conversation_completed"
    assert "recognition_result" in seen
    texts = finals(events)
    assert wer(narrow.texts, " ".join(texts)) <= 0.2, texts
    assert [m.text for m in messages] == as_messages(texts)


def test_stop_early_keeps_what_was_recognised(app: App, speech: Speech) -> None:
    with (
        cs.Client(app.base_url, app.app_id, app.app_secret) as client,
        client.stream(speech.wav, realtime=True) as stream,
    ):
        time.sleep(3.0)  # into the first of three prompts (it lasts about 5 s)
        stream.stop()
        stream.wait(timeout=120)
        texts = [m.text for m in stream.conversation.messages()]
        status = stream.conversation.info().status
    assert len(texts) == 1, texts
    assert texts[0].lower().startswith("that agent"), texts
    assert status == "completed"


def test_stream_refusals_and_bad_input(app: App, speech: Speech) -> None:
    with (
        cs.Client(app.base_url, access_token="not-a-token") as bad,
        pytest.raises(cs.StreamError) as refused,
    ):
        bad.stream(speech.wav)
    assert refused.value.reason == "unauthorized"
    assert "invalid" in refused.value.message

    def broken_source() -> Iterator[bytes]:
        yield speech.pcm[:32000]
        raise OSError("microphone unplugged")

    with cs.Client(app.base_url, app.app_id, app.app_secret) as client:
        stream = client.stream(broken_source(), sample_rate=16000)
        with pytest.raises(OSError, match="microphone unplugged"):
            list(stream.events(timeout=60))
        stream.close()

        with pytest.raises(ValueError, match="async iterable needs AsyncClient"):
            client.stream(_agen(), sample_rate=16000)  # type: ignore[arg-type]


async def _agen() -> AsyncIterator[bytes]:
    yield b""
