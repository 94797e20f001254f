"""``/metrics`` on a real server, scraped while a stream of real speech runs and after: the
live gauge shows the stream, and recognition, latency, jobs, deliveries and HTTP families
move."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from callscribe.testing.server import ApiClient, ServerProcess, token_for
from tests.actions.receiver import Receiver, webhook_receiver
from tests.api.test_streaming import speech, stream_speech

FAMILIES = {
    "callscribe_live_connections",
    "callscribe_calls_ended",
    "callscribe_recognition_queue_depth",
    "callscribe_final_latency_seconds",
    "callscribe_interims_shed",
    "callscribe_interim_share",
    "callscribe_recognition_cpu_seconds",
    "callscribe_deliveries",
    "callscribe_jobs",
    "callscribe_http_requests",
    "callscribe_http_request_seconds",
}

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(server: ServerProcess) -> Samples:
    """Every sample by (name, labels), and the families present (under the name alone)."""
    answer = httpx.get(f"{server.base_url}/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    out: Samples = {}
    for family in text_string_to_metric_families(answer.text):
        out[(family.name, ())] = out.get((family.name, ()), 0.0)
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"CALLSCRIBE_WEBHOOK_ALLOW_PRIVATE": "true"}
    with ServerProcess(tmp_path_factory.mktemp("metrics") / "data", env) as running:
        yield running


async def test_the_families_move_during_a_streamed_call(
    server: ServerProcess, receiver: Receiver
) -> None:
    api = ApiClient.for_new_app(server, "metrics")
    hook = api.http.post(
        "/v1/webhooks", json={"url": receiver.url("/done"), "events": ["conversation.completed"]}
    )
    assert hook.status_code == 201, hook.text
    before = scrape(server)
    assert {name for name, labels in before if not labels} >= FAMILIES

    pcm, _texts, _seconds = speech(3)
    token = token_for(server.base_url, api.app_id, api.app_secret)
    base = server.base_url.replace("http", "ws")
    streaming = asyncio.create_task(stream_speech(f"{base}/v1/streaming/metrics-1", token, pcm))
    during: Samples = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not streaming.done():
        await asyncio.sleep(1.0)
        during = await asyncio.to_thread(scrape, server)
        if value(during, "callscribe_final_latency_seconds_count") > value(
            before, "callscribe_final_latency_seconds_count"
        ):
            break
    assert value(during, "callscribe_live_connections", kind="stream", state="live") == 1
    events, _ = await streaming
    assert any(e.get("message", {}).get("type") == "conversation_completed" for e in events)

    job = api.http.post(
        "/v1/process/text",
        json={
            "messages": [
                {
                    "payload": {"content": "Can you send the notes by Friday?"},
                    "from": {"name": "Ann"},
                }
            ]
        },
    )
    assert job.status_code == 201, job.text
    assert api.wait_for_job(job.json()["jobId"], timeout=120)["status"] == "completed"
    deadline = time.monotonic() + 30
    sent = {"kind": "webhook", "status": "sent"}
    after = scrape(server)
    while time.monotonic() < deadline and not value(after, "callscribe_deliveries_total", **sent):
        await asyncio.sleep(0.5)
        after = await asyncio.to_thread(scrape, server)
    api.close()

    def grew(name: str, **labels: str) -> bool:
        return value(after, name, **labels) > value(before, name, **labels)

    assert value(after, "callscribe_live_connections", kind="stream", state="live") == 0
    assert grew("callscribe_final_latency_seconds_count")
    assert 0.0 < value(after, "callscribe_interim_share") <= 0.5  # less when the CPUs are full
    assert sum(
        v for (name, _l), v in after.items() if name == "callscribe_recognition_cpu_seconds_total"
    ) > sum(
        v for (name, _l), v in before.items() if name == "callscribe_recognition_cpu_seconds_total"
    )
    assert grew("callscribe_jobs_total", kind="text", status="completed")
    assert grew("callscribe_deliveries_total", kind="webhook", status="sent")
    assert grew(
        "callscribe_http_requests_total", method="POST", route="/v1/process/text", status="201"
    )
    assert grew("callscribe_http_request_seconds_count", method="GET", route="/v1/job/{job_id}")
