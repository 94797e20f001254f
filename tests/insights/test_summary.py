"""Summaries: extractive LexRank, abstractive over an OpenAI-compatible endpoint (mocked with
httpx.MockTransport), and the fallback when that endpoint fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from callscribe.insights import MessageInput, Person
from callscribe.insights.summary import LLMEndpoint, extractive, summarize

T0 = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)
A, B = Person("Ann"), Person("Bob")
TEXTS = [
    (A, "Can you hear me?"),
    (B, "Yes, loud and clear."),
    (A, "The Globex renewal is at risk because of the outage last month."),
    (B, "Their CTO is unhappy with how long the outage lasted and wants credits."),
    (A, "We should offer Globex service credits to keep the renewal on track."),
    (B, "I'll draft the service credit proposal for Globex by Friday."),
    (A, "The weather has been nice this week, I went hiking on Saturday."),
    (B, "The Atlas launch is on schedule for the end of the month."),
    (A, "Marketing will need the Atlas launch materials two weeks before the launch."),
    (B, "Thanks everyone."),
]
MESSAGES = [MessageInput(f"m{i + 1}", t, p, T0, T0) for i, (p, t) in enumerate(TEXTS)]
ENDPOINT = LLMEndpoint(url="http://llm.local/v1", model="local-model", api_key="k-123")


def test_extractive_picks_central_messages_in_order() -> None:
    items = extractive(MESSAGES, max_items=3)
    ids = [i.message_ids[0] for i in items]
    assert len(items) == 3
    assert ids == sorted(ids, key=lambda m: int(m[1:]))
    assert "m1" not in ids  # chatter
    assert "m7" not in ids  # off-topic
    assert all(i.text == TEXTS[int(i.message_ids[0][1:]) - 1][1] for i in items)


def test_abstractive_uses_the_endpoint() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        content = (
            "- Globex renewal at risk after the outage [m3, m4]\n- Bob drafts credits [m6, m99]"
        )
        return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        items = summarize(MESSAGES, endpoint=ENDPOINT, client=client)
    assert [(i.text, i.message_ids) for i in items] == [
        ("Globex renewal at risk after the outage", ("m3", "m4")),
        ("Bob drafts credits", ("m6",)),
    ]
    assert str(seen[0].url) == "http://llm.local/v1/chat/completions"
    assert seen[0].headers["authorization"] == "Bearer k-123"
    body = json.loads(seen[0].content)
    assert body["model"] == "local-model"
    assert "[m6] Bob: I'll draft the service credit proposal" in body["messages"][1]["content"]


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(200, json={"unexpected": True}),
        httpx.Response(200, text="not json"),
        httpx.Response(200, json={"choices": [{"message": {"content": "   "}}]}),
    ],
)
def test_falls_back_to_extractive_when_the_endpoint_fails(response: httpx.Response) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return response

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        items = summarize(MESSAGES, endpoint=ENDPOINT, client=client, max_items=3)
    assert items == extractive(MESSAGES, max_items=3)


def test_falls_back_when_the_endpoint_is_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        items = summarize(MESSAGES, endpoint=ENDPOINT, client=client, max_items=2)
    assert len(items) == 2


def test_empty_conversation() -> None:
    assert summarize([]) == []
