"""The issue's insight slice through the API: the realistic meeting fixture posted as text,
its specific insights read back in Symbl's shapes; trackers stored per app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from callscribe.testing.server import ApiClient, ServerProcess

FIXTURES = Path(__file__).parents[1] / "fixtures" / "insights"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path_factory.mktemp("insights") / "data") as proc:
        yield proc


@pytest.fixture(scope="module")
def api(server: ServerProcess) -> Iterator[ApiClient]:
    client = ApiClient.for_new_app(server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "meeting_expected.json").read_text())
    return data


@pytest.fixture(scope="module")
def conversation(api: ApiClient, expected: dict[str, Any]) -> str:
    # One tracker stored for the app, one given with the request: both are spotted.
    first, second = expected["trackers"]["config"]
    r = api.http.post("/v1/manage/tracker", json=first)
    assert r.status_code == 201, r.text
    body = {
        "name": "Atlas and Globex",
        "timezone": expected["conversation"]["timezone"],
        "messages": json.loads((FIXTURES / "meeting.json").read_text()),
        "trackers": [second],
        "enableAllTrackers": True,
    }
    r = api.http.post("/v1/process/text", json=body)
    assert r.status_code == 201, r.text
    assert api.wait_for_job(r.json()["jobId"], 120)["status"] == "completed"
    conversation_id: str = r.json()["conversationId"]
    return conversation_id


def _same_time(a: str, b: str) -> bool:
    return datetime.fromisoformat(a.replace("Z", "+00:00")) == datetime.fromisoformat(b)


def get(api: ApiClient, conversation: str, path: str, **params: str) -> Any:
    r = api.http.get(f"/v1/conversations/{conversation}/{path}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_questions(api: ApiClient, conversation: str, expected: dict[str, Any]) -> None:
    found = {q["text"] for q in get(api, conversation, "questions")["questions"]}
    for q in expected["questions"]:
        assert q["text"] in found, q["text"]


@pytest.mark.parametrize(
    ("kind", "key"), [("action_items", "actionItems"), ("follow_ups", "followUps")]
)
def test_action_items_and_follow_ups(
    api: ApiClient, conversation: str, expected: dict[str, Any], kind: str, key: str
) -> None:
    route = kind.replace("_", "-")
    got = {a["text"]: a for a in get(api, conversation, route)[key]}
    accepted = {a["request"]: a for a in expected["accepted"]}
    answers = {a["answer"] for a in expected["accepted"]}
    for item in expected[kind]:
        if item["message"] in answers:  # one task with its request
            assert item["text"] not in got, item["text"]
            continue
        assert item["text"] in got, item["text"]
        found = got[item["text"]]
        assert found["type"] == kind[:-1]
        merged = accepted.get(item["text"], item)
        assert found["assignee"]["name"] == merged["assignee"], item["text"]
        if merged.get("dueBy"):
            assert _same_time(found["dueBy"], merged["dueBy"]), (found["dueBy"], merged["dueBy"])
        assert found["definitive"] is (item["definitive"] or item["text"] in accepted)
        assert len(found["messageIds"]) == (2 if item["text"] in accepted else 1)
    chatter = set(expected["no_insight"])
    assert not chatter & set(got), chatter & set(got)


def test_topics_sentiment_and_summary(
    api: ApiClient, conversation: str, expected: dict[str, Any]
) -> None:
    topics = get(api, conversation, "topics", sentiment="true", parentRefs="true")["topics"]
    texts = " | ".join(t["text"].lower() for t in topics)
    for phrase in expected["topics"]:
        assert phrase.lower() in texts, (phrase, texts)
    assert all("sentiment" in t and "parentRefs" in t for t in topics)

    messages = get(api, conversation, "messages", sentiment="true")["messages"]
    by_text = {m["text"]: m["sentiment"]["suggested"] for m in messages}
    for item in expected["sentiment"]:
        assert by_text[item["message"]] == item["suggested"], item["message"]

    summary = get(api, conversation, "summary")["summary"]
    assert summary
    ids = {m["id"] for m in messages}
    assert all(ref["id"] in ids for s in summary for ref in s["messageRefs"])

    analytics = get(api, conversation, "analytics")
    assert {m["type"] for m in analytics["metrics"]} == {
        "total_silence",
        "total_talk_time",
        "total_overlap",
    }
    assert {m["name"] for m in analytics["members"]} == {"Sarah Chen", "Mike Ross", "Priya Patel"}
    assert all(m["pace"]["wpm"] > 60 for m in analytics["members"])

    legacy = get(api, conversation, "insights")["insights"]
    assert {i["type"] for i in legacy} == {"question", "action_item", "follow_up"}


def test_entities_and_trackers(api: ApiClient, conversation: str, expected: dict[str, Any]) -> None:
    entities = get(api, conversation, "entities")["entities"]
    found = {(e["type"], ref["text"]) for e in entities for ref in e["messageRefs"]}
    for item in expected["entities"]:
        assert (item["type"], item["message"]) in found, item

    trackers = get(api, conversation, "trackers-detected")
    names = {t["name"] for t in trackers}
    assert names == {t["name"] for t in expected["trackers"]["config"]}
    refs = {
        (t["name"], ref["text"]) for t in trackers for m in t["matches"] for ref in m["messageRefs"]
    }
    for match in expected["trackers"]["matches"]:
        assert (match["tracker"], match["message"]) in refs, match


def test_summary_is_404_while_processing(api: ApiClient) -> None:
    r = api.http.post(
        "/v1/process/text",
        json={
            "messages": [
                {"payload": {"content": f"Line {i} of a long meeting."}} for i in range(200)
            ]
        },
    )
    conversation = r.json()["conversationId"]
    early = api.http.get(f"/v1/conversations/{conversation}/summary")
    if api.http.get(f"/v1/job/{r.json()['jobId']}").json()["status"] != "completed":
        assert early.status_code == 404
        assert "still being processed" in early.json()["message"]
    api.wait_for_job(r.json()["jobId"], 120)
    assert api.http.get(f"/v1/conversations/{conversation}/summary").status_code == 200


def test_tracker_management(api: ApiClient) -> None:
    r = api.http.post("/v1/manage/tracker", json={"name": "Competitors", "vocabulary": ["Acme"]})
    assert r.status_code == 201
    tracker = r.json()["tracker"]
    dup = api.http.post("/v1/manage/tracker", json={"name": "Competitors", "vocabulary": ["x"]})
    assert dup.status_code == 409
    assert "Competitors" in dup.json()["message"]
    names = [t["name"] for t in api.http.get("/v1/manage/trackers").json()["trackers"]]
    assert "Competitors" in names
    r = api.http.put(
        f"/v1/manage/tracker/{tracker['id']}",
        json={"name": "Competitors", "vocabulary": ["Acme", "Initech"]},
    )
    assert r.json()["tracker"]["vocabulary"] == ["Acme", "Initech"]
    bad = api.http.post("/v1/manage/tracker", json={"name": "Empty", "vocabulary": []})
    assert bad.status_code == 400
    assert "vocabulary" in bad.json()["message"]
    assert api.http.delete(f"/v1/manage/tracker/{tracker['id']}").status_code == 200
    assert api.http.get(f"/v1/manage/tracker/{tracker['id']}").status_code == 404


def test_bad_timezone_is_named(api: ApiClient) -> None:
    r = api.http.post(
        "/v1/process/text",
        json={"timezone": "Mars/Olympus", "messages": [{"payload": {"content": "hi"}}]},
    )
    assert r.status_code == 400
    assert "Mars/Olympus" in r.json()["message"]
