"""The blocking ``Client`` against a real server: text, file and URL processing, every
Conversation API method, and the server's errors as the SDK's exceptions."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import callscribe_sdk as cs
import httpx
import pytest
from callscribe_sdk import models

from tests.sdk.helpers import App, Speech, wer

FIXTURE = Path(__file__).parents[1] / "fixtures" / "api" / "planning_call.json"


@pytest.fixture(scope="module")
def client(app: App) -> Iterator[cs.Client]:
    with cs.Client(app.base_url, app.app_id, app.app_secret) as c:
        yield c


@pytest.fixture(scope="module")
def planning() -> dict[str, object]:
    body: dict[str, object] = json.loads(FIXTURE.read_text())
    return body


@pytest.fixture(scope="module")
def processed(client: cs.Client, planning: dict[str, list[dict[str, object]]]) -> cs.Job:
    job = client.process_text(
        planning["messages"],
        name="Weekly planning",
        trackers={"Release": ["release notes", "build"]},
        detect_phrases=True,
    )
    status = job.wait(timeout=120)
    assert status.status == "completed"
    assert status.conversation_id == job.conversation_id
    return job


def test_text_job_and_every_conversation_method(
    client: cs.Client, processed: cs.Job, planning: dict[str, list[dict[str, object]]]
) -> None:
    conv = processed.conversation
    assert conv.conversation_id == processed.conversation_id

    info = conv.info()
    assert (info.name, info.status) == ("Weekly planning", "completed")
    assert processed.conversation_id in [c.id for c in client.conversations()]

    sent = planning["messages"]
    messages = conv.messages(verbose=True, sentiment=True)
    assert [m.text for m in messages] == [m["payload"]["content"] for m in sent]  # type: ignore[index]
    assert all(isinstance(m, models.Message) for m in messages)
    assert all(m.words and m.sentiment for m in messages)
    assert " ".join(w.word for w in messages[0].words or []) == messages[0].text
    assert {m.sentiment.suggested for m in messages if m.sentiment} <= {
        "positive",
        "neutral",
        "negative",
    }
    plain = conv.messages()
    assert all(m.words is None and m.sentiment is None for m in plain)

    texts = {m.id: m.text for m in messages}
    questions = conv.questions()
    assert "Dev, where are we with the build?" in [q.text for q in questions]
    assert all(q.message_ids[0] in texts for q in questions)
    actions = conv.action_items()
    release = [a for a in actions if "release notes" in a.text]
    assert release, [a.text for a in actions]
    assert release[0].assignee is not None
    assert release[0].assignee.name == "Chen Wei"
    assert release[0].due_by is not None
    assert all(isinstance(f, models.FollowUp) for f in conv.follow_ups())
    assert conv.follow_ups()
    topics = conv.topics(sentiment=True, parent_refs=True)
    assert topics
    assert all(t.sentiment is not None and t.parent_refs is not None for t in topics)
    assert conv.entities()
    trackers = conv.trackers()
    assert [t.name for t in trackers] == ["Release"]
    assert {m.value for m in trackers[0].matches} <= {"release notes", "build"}
    summary = conv.summary()
    assert summary
    assert all(r.id in texts for s in summary for r in s.message_refs)
    analytics = conv.analytics()
    assert {m.type for m in analytics.metrics} == {
        "total_silence",
        "total_talk_time",
        "total_overlap",
    }
    assert sorted(m.name or "" for m in analytics.members) == [
        "Chen Wei",
        "Dev Patel",
        "Maria Lopez",
    ]


def test_rename_member_append_and_delete(
    client: cs.Client, planning: dict[str, list[dict[str, object]]]
) -> None:
    job = client.process_text(planning["messages"][:4], name="To rename")
    job.wait(timeout=120)
    conv = client.conversation(job.conversation_id)
    members = conv.members()
    maria = next(m for m in members if m.name == "Maria Lopez")
    renamed = conv.rename_member(maria.id, "Maria L.")
    assert (renamed.id, renamed.name) == (maria.id, "Maria L.")
    assert "Maria L." in [m.from_.name for m in conv.messages()]

    more = client.append_text(
        job.conversation_id, [cs.TextMessage("One more thing: ship it Friday.", speaker="Dev")]
    )
    more.wait(timeout=120)
    assert conv.messages()[-1].text == "One more thing: ship it Friday."

    conv.delete()
    with pytest.raises(cs.NotFound, match=job.conversation_id):
        conv.info()
    with pytest.raises(cs.NotFound):
        conv.messages()


def test_summary_links_expire_and_are_revoked(client: cs.Client, processed: cs.Job) -> None:
    conv = client.conversation(processed.conversation_id)
    lasting = conv.summary_link()
    forever = conv.summary_link(expires_in=0)
    assert lasting.name == "verbose-text-summary"
    assert lasting.expires_at is not None
    assert lasting.expires_at.timestamp() > time.time() + 29 * 86400
    assert forever.expires_at is None
    for link in (lasting, forever):
        assert httpx.get(link.url).status_code == 200
    with pytest.raises(cs.BadRequest, match="summaryURLExpiresIn"):
        conv.summary_link(expires_in=-5)

    conv.revoke_summary_links()
    assert [httpx.get(link.url).status_code for link in (lasting, forever)] == [404, 404]
    assert httpx.get(conv.summary_link(expires_in=60).url).status_code == 200


def test_process_audio_file_and_url(
    client: cs.Client, speech: Speech, files: tuple[Path, str]
) -> None:
    job = client.process_audio_file(speech.wav, name="Recording")
    assert job.wait(timeout=180).status == "completed"
    messages = job.conversation.messages(verbose=True)
    assert wer(speech.texts, " ".join(m.text for m in messages)) <= 0.15
    assert job.conversation.info().name == "Recording"

    root, url = files
    shutil.copy(speech.wav, root / "call.wav")
    by_url = client.process_audio_url(f"{url}/call.wav", name="By URL")
    by_url.wait(timeout=180)
    hypothesis = " ".join(m.text for m in by_url.conversation.messages())
    assert wer(speech.texts, hypothesis) <= 0.15

    missing = client.process_audio_url(f"{url}/missing.wav")
    with pytest.raises(cs.JobFailed) as failed:
        missing.wait(timeout=120)
    assert failed.value.job_id == missing.job_id
    assert "404" in failed.value.message


def test_errors_carry_the_server_message(app: App, client: cs.Client, tmp_path: Path) -> None:
    with (
        cs.Client(app.base_url, app.app_id, "wrong-secret") as bad,
        pytest.raises(cs.AuthenticationError) as auth,
    ):
        bad.conversations()
    assert auth.value.status_code == 401
    assert auth.value.message

    with pytest.raises(cs.NotFound, match="no-such-id") as missing:
        client.conversation("no-such-id").info()
    assert missing.value.status_code == 404

    with pytest.raises(cs.BadRequest, match=r"messages\[0\]\.payload\.content") as bad_request:
        client.process_text([{"payload": {"content": ""}}])
    assert bad_request.value.status_code == 400

    not_audio = tmp_path / "notes.wav"
    not_audio.write_bytes(b"these are meeting notes, not audio " * 100)
    with pytest.raises(cs.UnsupportedMedia) as media:
        client.process_audio_file(not_audio)
    assert media.value.status_code == 415

    with pytest.raises(cs.BadRequest, match=r"example\.org"):
        client.process_audio_url("http://example.org/a.wav")

    slow = client.process_text(["Quick check."])
    with pytest.raises(cs.Timeout, match=slow.job_id):
        slow.wait(timeout=0.0)
    slow.wait(timeout=120)

    with pytest.raises(ValueError, match="credentials missing"):
        cs.Client(app.base_url)

    with pytest.raises(cs.ConnectError, match="could not connect"):
        cs.Client("http://127.0.0.1:9", access_token="x", max_retries=0).conversations()
