"""Languages end to end on a real server: Spanish speech (Asterisk's Spanish prompts) through
the Async Audio API and the Streaming API with ``languageCode``, what each conversation says
it gets in its language, and a 400 naming a code no engine knows."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect

from bench.asr import spanish
from callscribe.audio.files import decode_file
from callscribe.testing.server import ApiClient, ServerProcess, token_for

RATE = 8000


@pytest.fixture(scope="module")
def speech() -> tuple[np.ndarray, str]:
    """Six Spanish prompts with 1 s gaps (8 kHz) and what they say."""
    if not spanish.available():
        pytest.fail("Debian asterisk-core-sounds-es(-wav) is not installed (scripts/install --dev)")
    prompts = spanish.prompts()[::20][:6]
    gap = np.zeros(RATE, dtype=np.float32)
    audio = np.concatenate([x for p in prompts for x in (decode_file(p.wav, rate=RATE), gap)])
    return audio, " ".join(p.text for p in prompts)


def wav_bytes(audio: np.ndarray, tmp_path: Path) -> bytes:
    import wave

    path = tmp_path / "speech.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path.read_bytes()


def transcript(client: ApiClient, conversation_id: str) -> str:
    messages = client.http.get(f"/v1/conversations/{conversation_id}/messages").json()["messages"]
    return " ".join(m["text"] for m in messages)


def test_a_spanish_upload_with_its_language_code(
    client: ApiClient, speech: tuple[np.ndarray, str], tmp_path: Path
) -> None:
    audio, said = speech
    body = wav_bytes(audio, tmp_path)
    r = client.http.post(
        "/v1/process/audio",
        content=body,
        params={"languageCode": "es-MX"},
        headers={"content-type": "audio/wav"},
    )
    assert r.status_code == 201, r.text
    job = r.json()
    assert job["languageCode"] == "es-MX"
    assert job["insightsAvailable"] == ["transcript", "speakers", "trackers", "analytics"]
    assert client.wait_for_job(job["jobId"], timeout=300)["status"] == "completed"
    heard = transcript(client, job["conversationId"])
    error = spanish.wer([said], [heard])
    assert error <= 0.25, (error, heard)
    conv = client.http.get(f"/v1/conversations/{job['conversationId']}").json()
    assert conv["languageCode"] == "es-MX"
    assert "questions" not in conv["insightsAvailable"]
    # The English extractors did not read Spanish: no insights were made up from it.
    assert client.http.get(f"/v1/conversations/{job['conversationId']}/questions").json() == {
        "questions": []
    }
    analytics = client.http.get(f"/v1/conversations/{job['conversationId']}/analytics").json()
    assert analytics["metrics"]

    # The same audio without a languageCode is taken for English, as before: far worse.
    r = client.http.post("/v1/process/audio", content=body, headers={"content-type": "audio/wav"})
    assert r.status_code == 201, r.text
    english = r.json()
    assert english["languageCode"] is None
    assert "questions" in english["insightsAvailable"]
    assert client.wait_for_job(english["jobId"], timeout=300)["status"] == "completed"
    assert spanish.wer([said], [transcript(client, english["conversationId"])]) > error + 0.3


async def test_a_spanish_stream(
    server: ServerProcess, client: ApiClient, speech: tuple[np.ndarray, str]
) -> None:
    audio, said = speech
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    token = token_for(server.base_url, client.app_id, client.app_secret)
    url = server.base_url.replace("http", "ws") + f"/v1/streaming/es-stream?access_token={token}"
    start = {
        "type": "start_request",
        "config": {
            "languageCode": "es-ES",
            "speechRecognition": {"encoding": "LINEAR16", "sampleRateHertz": RATE},
        },
    }
    events: list[dict[str, Any]] = []
    async with connect(url) as ws:
        await ws.send(json.dumps(start))
        frame = RATE // 10 * 2
        for offset in range(0, len(pcm), frame):
            await ws.send(pcm[offset : offset + frame])
            await asyncio.sleep(0.02)
        await ws.send(json.dumps({"type": "stop_request"}))
        async for raw in ws:
            events.append(json.loads(raw))
    started = next(
        e["message"] for e in events if e.get("message", {}).get("type") == "recognition_started"
    )
    assert started["data"]["languageCode"] == "es-ES"
    assert "actionItems" not in started["data"]["insightsAvailable"]
    finals = [
        e["message"]["punctuated"]["transcript"]
        for e in events
        if e.get("message", {}).get("type") == "recognition_result" and e["message"]["isFinal"]
    ]
    assert spanish.wer([said], [" ".join(finals)]) <= 0.25, finals


@pytest.mark.parametrize("code", ["tlh-KL", "x", "es-ES-" + "a" * 40])
def test_codes_no_engine_knows_get_400_naming_them(
    server: ServerProcess, client: ApiClient, code: str
) -> None:
    r = client.http.post(
        "/v1/process/audio",
        content=b"RIFF",
        params={"languageCode": code},
        headers={"content-type": "audio/wav"},
    )
    assert r.status_code in (400, 422), r.text
    assert "languageCode" in r.json()["message"]
    if len(code) < 35:
        assert code in r.json()["message"]
    r = client.http.post(
        "/v1/endpoint:connect",
        json={
            "operation": "start",
            "endpoint": {"type": "sip", "uri": "sip:bridge@127.0.0.1:5999"},
            "languages": [code],
        },
    )
    assert r.status_code in (400, 422), r.text
    assert "languages" in r.json()["message"]


async def test_a_stream_in_an_unknown_language_is_refused(
    server: ServerProcess, client: ApiClient
) -> None:
    token = token_for(server.base_url, client.app_id, client.app_secret)
    url = server.base_url.replace("http", "ws") + f"/v1/streaming/xx-stream?access_token={token}"
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "start_request", "config": {"languageCode": "tlh"}}))
        event = json.loads(await ws.recv())
    assert event["message"]["type"] == "error"
    assert "'tlh'" in event["message"]["error"]["message"]


def test_with_detection_on_speech_without_a_code_is_recognised_in_its_language(
    tmp_path: Path, speech: tuple[np.ndarray, str]
) -> None:
    audio, said = speech
    env = {"CALLSCRIBE_DETECT_LANGUAGE": "true"}
    with ServerProcess(tmp_path / "data", env) as proc:
        client = ApiClient.for_new_app(proc)
        r = client.http.post(
            "/v1/process/audio",
            content=wav_bytes(audio, tmp_path),
            headers={"content-type": "audio/wav"},
        )
        assert r.status_code == 201, r.text
        job = r.json()
        assert job["languageCode"] is None
        assert client.wait_for_job(job["jobId"], timeout=300)["status"] == "completed"
        assert spanish.wer([said], [transcript(client, job["conversationId"])]) <= 0.25
        client.close()


def test_a_bad_code_on_an_append_changes_nothing(client: ApiClient, tmp_path: Path) -> None:
    silence = wav_bytes(np.zeros(RATE, dtype=np.float32), tmp_path)
    r = client.http.post(
        "/v1/process/audio", content=silence, headers={"content-type": "audio/wav"}
    )
    assert r.status_code == 201, r.text
    job = r.json()
    assert client.wait_for_job(job["jobId"], timeout=120)["status"] == "completed"
    r = client.http.put(
        f"/v1/process/audio/{job['conversationId']}",
        content=silence,
        params={"languageCode": "tlh"},
        headers={"content-type": "audio/wav"},
    )
    assert r.status_code == 400
    assert "'tlh'" in r.json()["message"]
    conv = client.http.get(f"/v1/conversations/{job['conversationId']}").json()
    assert conv["status"] == "completed"  # not reopened by the refused append
