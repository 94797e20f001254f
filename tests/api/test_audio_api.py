"""The Async Audio API end to end: real recordings in every format, by upload and by URL,
through a real server; bad files, sizes and URLs get clear 4xx answers."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bench.asr import corpus
from callscribe.audio.files import decode_file
from callscribe.testing.server import ApiClient, ServerProcess
from tests.audio.media import encode

RATE = 16000
LIMIT = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        "CALLSCRIBE_MAX_UPLOAD_BYTES": str(LIMIT),
        "CALLSCRIBE_AUDIO_URL_ALLOW": "127.0.0.1,localhost",
        "CALLSCRIBE_AUDIO_URL_ALLOW_PRIVATE": "true",
    }
    with ServerProcess(tmp_path_factory.mktemp("audio") / "data", env) as proc:
        yield proc


@pytest.fixture(scope="module")
def api(server: ServerProcess) -> Iterator[ApiClient]:
    client = ApiClient.for_new_app(server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def recording() -> tuple[np.ndarray, list[str]]:
    """Three real prompts with pauses: a short 'meeting' of one speaker."""
    prompts = corpus.subset(3, max_seconds=6.0)
    gap = np.zeros(RATE // 2, np.float32)
    audio = np.concatenate([x for p in prompts for x in (decode_file(p.wav, rate=RATE), gap)])
    return audio, [p.text for p in prompts]


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """A local HTTP server for the URL route."""
    root = tmp_path_factory.mktemp("www")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def check_transcript(api: ApiClient, job: dict[str, str], texts: list[str]) -> None:
    status = api.wait_for_job(job["jobId"], timeout=180)
    assert status["status"] == "completed", status
    messages = api.http.get(
        f"/v1/conversations/{job['conversationId']}/messages", params={"verbose": "true"}
    ).json()["messages"]
    hypothesis = " ".join(m["text"] for m in messages)
    assert corpus.wer([" ".join(texts)], [hypothesis]) <= 0.15, hypothesis
    for m in messages:
        assert m["words"]
        assert all(0 <= w["timeOffset"] <= 16 for w in m["words"])


@pytest.mark.parametrize(
    ("container", "codec", "content_type"),
    [
        ("wav", "pcm_s16le", "audio/wav"),
        ("mp3", "libmp3lame", "audio/mpeg"),
        ("ogg", "libopus", "audio/ogg"),
        ("ipod", "aac", "audio/mp4"),
    ],
)
def test_raw_upload_each_format(
    api: ApiClient,
    recording: tuple[np.ndarray, list[str]],
    container: str,
    codec: str,
    content_type: str,
) -> None:
    audio, texts = recording
    data = encode(
        audio,
        RATE,
        container=container,
        codec=codec,
        out_rate=48000 if codec == "libopus" else RATE,
    )
    r = api.http.post(
        "/v1/process/audio",
        content=data,
        params={"name": f"upload {container}"},
        headers={"content-type": content_type},
    )
    assert r.status_code == 201, r.text
    check_transcript(api, r.json(), texts)


def test_multipart_flac_and_append(api: ApiClient, recording: tuple[np.ndarray, list[str]]) -> None:
    audio, texts = recording
    flac = encode(audio, RATE, container="flac", codec="flac")
    r = api.http.post("/v1/process/audio", files={"file": ("meeting.flac", flac, "audio/flac")})
    assert r.status_code == 201, r.text
    job = r.json()
    check_transcript(api, job, texts)
    first = api.http.get(f"/v1/conversations/{job['conversationId']}/messages").json()["messages"]

    again = api.http.put(
        f"/v1/process/audio/{job['conversationId']}",
        content=flac,
        headers={"content-type": "audio/flac"},
    )
    assert again.status_code == 201, again.text
    assert api.wait_for_job(again.json()["jobId"], timeout=180)["status"] == "completed"
    after = api.http.get(f"/v1/conversations/{job['conversationId']}/messages").json()["messages"]
    assert len(after) == 2 * len(first)
    assert after[len(first)]["timeOffset"] > first[-1]["timeOffset"]


def test_url(
    api: ApiClient, recording: tuple[np.ndarray, list[str]], files_dir: tuple[Path, int]
) -> None:
    root, port = files_dir
    audio, texts = recording
    (root / "meeting.wav").write_bytes(encode(audio, RATE, container="wav", codec="pcm_s16le"))
    r = api.http.post(
        "/v1/process/audio/url",
        json={"url": f"http://127.0.0.1:{port}/meeting.wav", "name": "From a URL"},
    )
    assert r.status_code == 201, r.text
    check_transcript(api, r.json(), texts)
    conv = api.http.get(f"/v1/conversations/{r.json()['conversationId']}").json()
    assert conv["name"] == "From a URL"

    missing = api.http.post(
        "/v1/process/audio/url", json={"url": f"http://127.0.0.1:{port}/nothing.wav"}
    )
    assert missing.status_code == 201
    failed = api.wait_for_job(missing.json()["jobId"])
    assert failed["status"] == "failed"
    assert "HTTP 404" in failed["error"]
    # the conversation it was to produce ends failed, with the job's error on it
    conversation = api.http.get(f"/v1/conversations/{missing.json()['conversationId']}").json()
    assert conversation["status"] == "failed"
    assert conversation["endTime"] is not None
    assert conversation["metadata"]["error"] == {
        "jobId": missing.json()["jobId"],
        "message": failed["error"],
    }

    (root / "notes.txt").write_text("these are not sounds " * 100)
    text_file = api.http.post(
        "/v1/process/audio/url", json={"url": f"http://127.0.0.1:{port}/notes.txt"}
    )
    failed = api.wait_for_job(text_file.json()["jobId"])
    assert failed["status"] == "failed"
    assert "audio" in failed["error"]


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("ftp://127.0.0.1/a.wav", "url"),
        ("http://example.com/a.wav", "allow-list"),
        ("not a url", "url"),
    ],
)
def test_url_refused(api: ApiClient, url: str, needle: str) -> None:
    r = api.http.post("/v1/process/audio/url", json={"url": url})
    assert r.status_code == 400
    assert needle in r.json()["message"]


def test_bad_uploads(api: ApiClient) -> None:
    before = len(api.http.get("/v1/conversations").json()["conversations"])
    r = api.http.post(
        "/v1/process/audio", content=b"\x00\x01garbage" * 100, headers={"content-type": "audio/wav"}
    )
    assert r.status_code == 415
    assert "audio" in r.json()["message"]
    r = api.http.post("/v1/process/audio", content=b"", headers={"content-type": "audio/wav"})
    assert r.status_code == 400
    assert "no audio" in r.json()["message"]
    r = api.http.post(
        "/v1/process/audio", content=b"\x00" * (LIMIT + 1), headers={"content-type": "audio/wav"}
    )
    assert r.status_code == 413
    r = api.http.post("/v1/process/audio", files={"notfile": (None, "x")})
    assert r.status_code == 400
    assert "file" in r.json()["message"]
    # Nothing half-accepted is left behind: refused uploads leave no conversations.
    assert len(api.http.get("/v1/conversations").json()["conversations"]) == before
