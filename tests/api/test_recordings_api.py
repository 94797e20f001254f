"""Kept audio end to end on real servers: a SIP call, a stream and uploads recorded with
``keepAudio``, downloaded (with ranges) and decoded; deleted with the conversation; expired by
a short ``RETENTION_DAYS``, audio only or whole conversations with ``conversation.deleted``."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect

from bench.asr import corpus
from callscribe.audio.files import decode_file
from callscribe.ports import free_port
from callscribe.testing.server import ApiClient, ServerProcess, token_for
from peers.sipp_peer import free_udp_port, sipp
from tests.actions.receiver import Receiver, webhook_receiver

RATE = 16_000
RETENTION_SECONDS = 12.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"CALLSCRIBE_WEBHOOK_ALLOW_PRIVATE": "true", "CALLSCRIBE_ACTION_RETRY_DELAY": "0.2"}
    with ServerProcess(tmp_path_factory.mktemp("rec") / "data", env) as proc:
        yield proc


@pytest.fixture(scope="module")
def api(server: ServerProcess) -> Iterator[ApiClient]:
    client = ApiClient.for_new_app(server)
    yield client
    client.close()


def prompts(count: int) -> list[Path]:
    return [p.wav for p in corpus.subset(count, max_seconds=6.0)]


def seconds_of(path: Path) -> float:
    return len(decode_file(path, rate=RATE)) / RATE


def download(api: ApiClient, conversation_id: str, tmp_path: Path) -> tuple[Path, float]:
    """The conversation's audio, saved and decoded: (file, seconds)."""
    r = api.http.get(f"/v1/conversations/{conversation_id}/audio")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "audio/ogg"
    assert r.headers["accept-ranges"] == "bytes"
    assert f'filename="{conversation_id}.ogg"' in r.headers["content-disposition"]
    path = tmp_path / f"{conversation_id}.ogg"
    path.write_bytes(r.content)
    return path, seconds_of(path)


def upload(api: ApiClient, wav: Path, **params: str) -> dict[str, Any]:
    r = api.http.post(
        "/v1/process/audio",
        content=wav.read_bytes(),
        params=params,
        headers={"content-type": "audio/wav"},
    )
    assert r.status_code == 201, r.text
    job: dict[str, Any] = r.json()
    assert api.wait_for_job(job["jobId"], timeout=180)["status"] == "completed"
    return job


def subscribe(api: ApiClient, receiver: Receiver, path: str, events: list[str]) -> None:
    r = api.http.post("/v1/webhooks", json={"url": receiver.url(path), "events": events})
    assert r.status_code == 201, r.text


def wait_for(check: Any, limit: float, what: str) -> Any:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.25)
    raise AssertionError(f"{what} did not happen within {limit:.0f} s")


def test_an_upload_kept_appended_downloaded_and_deleted(api: ApiClient, tmp_path: Path) -> None:
    first, second = prompts(2)
    job = upload(api, first, keepAudio="true")
    conv = job["conversationId"]
    before = len(api.http.get(f"/v1/conversations/{conv}/messages").json()["messages"])
    _, kept = download(api, conv, tmp_path)
    assert kept == pytest.approx(seconds_of(first), abs=0.05)

    # Appended audio is kept too (the conversation keeps audio), after what was kept, so the
    # recording's times are the transcript's.
    r = api.http.put(
        f"/v1/process/audio/{conv}",
        content=second.read_bytes(),
        headers={"content-type": "audio/wav"},
    )
    assert r.status_code == 201, r.text
    assert api.wait_for_job(r.json()["jobId"], timeout=180)["status"] == "completed"
    messages = api.http.get(f"/v1/conversations/{conv}/messages").json()["messages"]
    _, both = download(api, conv, tmp_path)
    assert both >= kept + seconds_of(second) - 0.05
    # The appended speech is where the recording has it: after the first file's audio.
    assert kept - 0.1 <= messages[before]["timeOffset"] <= both
    assert messages[-1]["timeOffset"] + messages[-1]["duration"] <= both + 0.5

    # A range: the first 100 bytes, as a player seeking or a download resuming asks.
    r = api.http.get(f"/v1/conversations/{conv}/audio", headers={"range": "bytes=0-99"})
    assert r.status_code == 206
    assert r.content[:4] == b"OggS"
    assert len(r.content) == 100

    with webhook_receiver() as receiver:
        subscribe(api, receiver, "/deleted", ["conversation.deleted"])
        assert api.http.delete(f"/v1/conversations/{conv}").status_code == 200
        calls = wait_for(lambda: receiver.on("/deleted"), 30, "the conversation.deleted webhook")
    assert calls[0].headers["x-callscribe-event"] == "conversation.deleted"
    assert json.loads(calls[0].body) == {
        "conversationId": conv,
        "name": "Audio conversation",
        "reason": "request",
    }
    assert not list((api.server.data_dir / "recordings").glob(f"{conv}.*"))
    assert api.http.get(f"/v1/conversations/{conv}/audio").status_code == 404


def test_audio_is_not_kept_unless_asked(api: ApiClient) -> None:
    job = upload(api, prompts(1)[0])
    r = api.http.get(f"/v1/conversations/{job['conversationId']}/audio")
    assert r.status_code == 404
    assert "keepAudio=true" in r.json()["message"]
    r = api.http.get("/v1/conversations/1234567/audio")
    assert r.status_code == 404
    assert "1234567" in r.json()["message"]
    r = api.http.post("/v1/process/audio", params={"keepAudio": "perhaps"}, content=b"x")
    assert r.status_code in (400, 422)
    assert "keepAudio" in r.text


async def test_a_stream_is_kept_as_long_as_it_was(api: ApiClient, tmp_path: Path) -> None:
    audio = np.concatenate([decode_file(p, rate=RATE) for p in prompts(2)])
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    token = token_for(api.server.base_url, api.app_id, api.app_secret)
    ws_url = api.server.base_url.replace("http", "ws") + "/v1/streaming/kept-stream"
    start = {
        "type": "start_request",
        "keepAudio": True,
        "config": {"speechRecognition": {"encoding": "LINEAR16", "sampleRateHertz": RATE}},
    }
    conversation_id = None
    async with connect(f"{ws_url}?access_token={token}") as ws:
        await ws.send(json.dumps(start))
        frame = RATE // 10 * 2  # 100 ms
        for offset in range(0, len(pcm), frame):
            await ws.send(pcm[offset : offset + frame])
            await asyncio.sleep(0.02)  # faster than real time: a file streamed as it is read
        await ws.send(json.dumps({"type": "stop_request"}))
        async for raw in ws:
            event = json.loads(raw)
            if event.get("type") == "message" and event["message"]["type"] == "recognition_started":
                conversation_id = event["message"]["data"]["conversationId"]
            if (
                event.get("type") == "message"
                and event["message"]["type"] == "conversation_completed"
            ):
                break
    assert conversation_id is not None
    _, seconds = download(api, conversation_id, tmp_path)
    assert seconds == pytest.approx(len(audio) / RATE, abs=0.05)


@pytest.mark.slow
async def test_a_recorded_call_downloads_at_its_length_and_expires(tmp_path: Path) -> None:
    env = {
        "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}",
        "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
        "CALLSCRIBE_MEDIA_TIMEOUT": "4",
        "CALLSCRIBE_RETENTION_DAYS": str(RETENTION_SECONDS / 86400),
    }
    with (
        sipp("stream.xml", tmp_path / "sipp") as peer,
        ServerProcess(tmp_path / "data", env) as proc,
    ):
        api = ApiClient.for_new_app(proc)
        r = api.http.post(
            "/v1/endpoint:connect",
            json={
                "operation": "start",
                "endpoint": {"type": "sip", "uri": peer.uri},
                "keepAudio": True,
            },
        )
        assert r.status_code == 201, r.text
        started = r.json()

        def listening() -> bool:
            got = api.http.get(f"/v1/endpoint/{started['connectionId']}").json()
            return got.get("listeningAt") is not None

        # ten seconds of listening, however long dialling takes while the models load
        wait_for(listening, 60, "the call to be heard")
        await asyncio.sleep(10)
        r = api.http.post(
            "/v1/endpoint:connect",
            json={"operation": "stop", "connectionId": started["connectionId"]},
        )
        assert r.status_code == 200, r.text

        def ended() -> dict[str, Any] | None:
            got: dict[str, Any] = api.http.get(f"/v1/endpoint/{started['connectionId']}").json()
            return got if got["state"] == "ended" and got["conversationCompleted"] else None

        status = wait_for(
            ended,
            60,
            "the end of the call",
        )
        conv = started["conversationId"]
        _, seconds = download(api, conv, tmp_path)
        heard = status["endedAt"] - status["listeningAt"]  # dialled, answered, then heard
        assert abs(seconds - heard) <= 1.0, (seconds, heard, status)
        assert seconds > 8

        r = wait_for(
            lambda: (g := api.http.get(f"/v1/conversations/{conv}/audio")).status_code == 410 and g,
            RETENTION_SECONDS + 20,
            "the audio's expiry",
        )
        assert "retention policy" in r.json()["message"]
        assert not list((proc.data_dir / "recordings").glob(f"{conv}.*"))
        # The conversation itself stays (RETENTION_SCOPE is audio).
        assert api.http.get(f"/v1/conversations/{conv}").status_code == 200
        api.close()


def test_whole_conversations_expire_with_a_webhook(tmp_path: Path) -> None:
    env = {
        "CALLSCRIBE_KEEP_AUDIO": "true",
        "CALLSCRIBE_RETENTION_DAYS": str(RETENTION_SECONDS / 86400),
        "CALLSCRIBE_RETENTION_SCOPE": "conversation",
        "CALLSCRIBE_WEBHOOK_ALLOW_PRIVATE": "true",
        "CALLSCRIBE_ACTION_RETRY_DELAY": "0.2",
    }
    with webhook_receiver() as receiver, ServerProcess(tmp_path / "data", env) as proc:
        api = ApiClient.for_new_app(proc)
        subscribe(api, receiver, "/deleted", ["conversation.deleted", "conversation.completed"])
        wav = prompts(1)[0]
        kept = upload(api, wav)["conversationId"]  # KEEP_AUDIO: kept without asking
        not_kept = upload(api, wav, keepAudio="false")["conversationId"]
        assert api.http.get(f"/v1/conversations/{kept}/audio").status_code == 200
        assert api.http.get(f"/v1/conversations/{not_kept}/audio").status_code == 404

        def deletions() -> list[dict[str, Any]]:
            return [
                json.loads(c.body)
                for c in receiver.on("/deleted")
                if c.headers["x-callscribe-event"] == "conversation.deleted"
            ]

        wait_for(
            lambda: {b["conversationId"] for b in deletions()} == {kept, not_kept},
            RETENTION_SECONDS + 30,
            "both deletions",
        )
        for conv in (kept, not_kept):
            assert api.http.get(f"/v1/conversations/{conv}").status_code == 404
        assert not list((proc.data_dir / "recordings").glob("*.ogg"))
        assert {b["reason"] for b in deletions()} == {"retention"}
        api.close()


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An S3-compatible server (moto) on loopback with a bucket, and the settings to use it."""
    import subprocess
    import sys

    import boto3

    port = free_port()
    credentials = {
        "AWS_ACCESS_KEY_ID": "callscribe-test",
        "AWS_SECRET_ACCESS_KEY": "callscribe-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        client = boto3.client("s3", endpoint_url=endpoint, **_boto(credentials))
        wait_for(lambda: _answers(client), 60, "the S3 server")
        client.create_bucket(Bucket="calls")
        client.close()  # its pooled sockets would otherwise be a ResourceWarning later
        yield {
            **credentials,
            "CALLSCRIBE_RECORDINGS_URL": "s3://calls/kept/audio",
            "CALLSCRIBE_S3_ENDPOINT_URL": endpoint,
        }
    finally:
        server.terminate()
        server.wait(10)


def _boto(credentials: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
        "region_name": credentials["AWS_DEFAULT_REGION"],
    }


def _answers(client: Any) -> bool:
    try:
        client.list_buckets()
    except Exception:
        return False
    return True


def test_recordings_in_s3_compatible_storage(s3: dict[str, str], tmp_path: Path) -> None:
    import boto3

    bucket = boto3.client("s3", endpoint_url=s3["CALLSCRIBE_S3_ENDPOINT_URL"], **_boto(s3))
    with ServerProcess(tmp_path / "data", s3) as proc:
        api = ApiClient.for_new_app(proc)
        wav = prompts(1)[0]
        conv = upload(api, wav, keepAudio="true")["conversationId"]
        keys = [o["Key"] for o in bucket.list_objects_v2(Bucket="calls")["Contents"]]
        assert keys == [f"kept/audio/{conv}.ogg"]
        assert not list((proc.data_dir / "recordings").glob("*.ogg"))  # not kept twice

        _, seconds = download(api, conv, tmp_path)
        assert seconds == pytest.approx(seconds_of(wav), abs=0.05)
        size = bucket.head_object(Bucket="calls", Key=keys[0])["ContentLength"]
        r = api.http.get(f"/v1/conversations/{conv}/audio", headers={"range": "bytes=10-109"})
        assert r.status_code == 206
        assert r.headers["content-range"] == f"bytes 10-109/{size}"
        assert len(r.content) == 100
        r = api.http.get(
            f"/v1/conversations/{conv}/audio", headers={"range": f"bytes={size + 10}-"}
        )
        assert r.status_code == 416
        assert r.headers["content-range"] == f"bytes */{size}"

        assert api.http.delete(f"/v1/conversations/{conv}").status_code == 200
        assert "Contents" not in bucket.list_objects_v2(Bucket="calls")
        api.close()
    bucket.close()
