"""``AsyncClient`` against a real server: concurrent requests share one token, jobs are
awaited, every Conversation API method returns typed models, errors are the same tree."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import callscribe_sdk as cs
import pytest
from callscribe_sdk import models

from tests.sdk.helpers import App, Speech, wer

FIXTURE = Path(__file__).parents[1] / "fixtures" / "api" / "planning_call.json"


async def test_async_text_flow(app: App) -> None:
    sent = json.loads(FIXTURE.read_text())["messages"][:12]
    async with cs.AsyncClient(app.base_url, app.app_id, app.app_secret) as client:
        # Ten requests at once before any token exists: one token serves them all.
        listed = await asyncio.gather(*(client.conversations(limit=5) for _ in range(10)))
        assert all(isinstance(page, list) for page in listed)
        token = await client.access_token()

        job = await client.process_text(sent, name="Async planning")
        status = await job.wait(timeout=120)
        assert status.status == "completed"
        assert await client.access_token() == token

        conv = job.conversation
        messages, questions, actions, follow_ups, topics, members = await asyncio.gather(
            conv.messages(verbose=True),
            conv.questions(),
            conv.action_items(),
            conv.follow_ups(),
            conv.topics(),
            conv.members(),
        )
        assert [m.text for m in messages] == [m["payload"]["content"] for m in sent]
        assert all(m.words for m in messages)
        assert all(isinstance(q, models.Question) for q in questions)
        assert questions
        assert all(isinstance(a, models.ActionItem) for a in actions)
        assert all(isinstance(f, models.FollowUp) for f in follow_ups)
        assert topics
        assert {m.name for m in members} == {m["from"]["name"] for m in sent}

        entities, trackers, summary, analytics = await asyncio.gather(
            conv.entities(), conv.trackers(), conv.summary(), conv.analytics()
        )
        assert isinstance(entities, list)
        assert trackers == []
        assert summary
        assert len(analytics.members) == len(members)

        dev = next(m for m in members if m.name == "Dev Patel")
        assert (await conv.rename_member(dev.id, "Devendra")).name == "Devendra"
        assert (await conv.info()).members[0].name in {"Devendra", "Maria Lopez", "Chen Wei"}

        await conv.delete()
        with pytest.raises(cs.NotFound):
            await conv.summary()


async def test_async_audio_file_and_errors(app: App, speech: Speech, tmp_path: Path) -> None:
    async with cs.AsyncClient(app.base_url, app.app_id, app.app_secret) as client:
        job = await client.process_audio_file(speech.wav)
        await job.wait(timeout=180)
        messages = await job.conversation.messages()
        assert wer(speech.texts, " ".join(m.text for m in messages)) <= 0.15
        assert (await job.conversation.info()).name == speech.wav.stem

        empty = tmp_path / "empty.wav"
        empty.write_bytes(b"")
        with pytest.raises(cs.APIError) as err:
            await client.process_audio_file(empty)
        assert err.value.status_code in (400, 415)
        assert err.value.message

        with pytest.raises(cs.BadRequest, match="confidenceThreshold"):
            await client.process_text(["Hello."], confidence_threshold=5.0)

    async with cs.AsyncClient(app.base_url, app.app_id, "wrong") as bad:
        with pytest.raises(cs.AuthenticationError):
            await bad.conversations()
