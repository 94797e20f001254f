"""Deliveries and subscriptions in storage, on SQLite and PostgreSQL: webhooks in one process,
and deletions of conversations and apps that have deliveries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from callscribe.actions import Actions, verify_signature
from callscribe.errors import NotFound
from callscribe.insights.records import Insight, Person
from callscribe.storage import Storage, StoredInsight, open_storage
from tests.actions.conftest import completed_conversation, make_settings
from tests.actions.receiver import webhook_receiver
from tests.actions.test_delivery import EMAIL_ACTION, running


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Storage]:
    opened = await open_storage(database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def _settle(actions: Actions, subscription_id: str, count: int) -> list[str]:
    for _ in range(400):
        log = await actions.store.for_subscription(subscription_id)
        if len(log) >= count and all(d.status != "pending" for d in log):
            return [d.status for d in log]
        await asyncio.sleep(0.05)
    raise AssertionError("webhook deliveries did not settle")


async def test_insight_and_completion_webhooks(tmp_path: Path, db: Storage) -> None:
    actions = await Actions.create(make_settings(tmp_path), db)
    conv = await completed_conversation(db, [])
    with webhook_receiver({"/live": 1}) as receiver:
        sub = await actions.store.add_subscription(
            conv.app_id, receiver.url("/live"), ["conversation.completed", "insight.created"]
        )
        question = Insight("question", "Why?", "m-1", 0.9, Person("Ann"))
        items = [StoredInsight("111", question)]
        await actions.insights_created(conv, items, [])
        await actions.insights_created(conv, items, [])  # the same insights again: once
        await actions.conversation_completed(conv)
        await actions.conversation_completed(conv)
        async with running(actions):
            assert await _settle(actions, sub.id, 2) == ["sent", "sent"]
        calls = receiver.on("/live")
    assert [c.answered for c in calls] == [500, 200, 200]
    events = sorted(c.headers["x-callscribe-event"] for c in calls[1:])
    assert events == ["conversation.completed", "insight.created"]
    for call in calls:
        assert verify_signature(sub.secret, call.body, call.headers)
    insight = next(c for c in calls if c.headers["x-callscribe-event"] == "insight.created")
    body = json.loads(insight.body)
    assert body["conversationId"] == conv.id
    assert [(i["id"], i["type"], i["payload"]["content"]) for i in body["insights"]] == [
        ("111", "question", "Why?")
    ]
    await actions.close()


async def test_private_targets_are_refused_when_sending(tmp_path: Path, db: Storage) -> None:
    actions = await Actions.create(make_settings(tmp_path, webhook_allow_private=False), db)
    conv = await completed_conversation(db, [])
    with webhook_receiver() as receiver:
        url = receiver.url("/x").replace("127.0.0.1", "localhost")
        sub = await actions.store.add_subscription(conv.app_id, url, ["conversation.completed"])
        await actions.conversation_completed(conv)
        async with running(actions):
            assert await _settle(actions, sub.id, 1) == ["failed"]
        assert receiver.calls == []
    (d,) = await actions.store.for_subscription(sub.id)
    assert d.attempts == 1
    assert d.error is not None
    assert "private address" in d.error
    await actions.close()


async def test_deleting_conversations_and_apps_with_deliveries(tmp_path: Path, db: Storage) -> None:
    actions = await Actions.create(make_settings(tmp_path), db)
    conv = await completed_conversation(db, [EMAIL_ACTION])
    sub = await actions.store.add_subscription(
        conv.app_id, "https://hooks.example.com/x", ["conversation.completed"]
    )
    await actions.conversation_completed(conv)
    assert len(await actions.status(conv.id)) == 1
    assert len(await actions.store.for_subscription(sub.id)) == 1
    await db.repository.delete_conversation(conv.app_id, conv.id)
    assert await actions.status(conv.id) == []
    assert await actions.store.for_subscription(sub.id) == []

    other = await completed_conversation(db, [EMAIL_ACTION], name="second")
    await actions.store.add_subscription(
        other.app_id, "https://h.example.com/", ["insight.created"]
    )
    await actions.conversation_completed(other)
    await db.repository.delete_app(other.app_id)
    assert await actions.store.subscriptions(other.app_id) == []
    assert await actions.store.due(conv.start_time.replace(year=2100), 100) == []
    with pytest.raises(NotFound):
        await actions.store.remove_subscription(other.app_id, sub.id)
    await actions.close()


async def test_two_workers_on_one_database_send_each_delivery_once(
    tmp_path: Path, db: Storage
) -> None:
    """Two server processes sharing PostgreSQL (or SQLite): claims keep deliveries single."""
    first = await Actions.create(make_settings(tmp_path), db)
    second = await Actions.create(make_settings(tmp_path), db)
    convs = [await completed_conversation(db, [], name=f"c{n}") for n in range(6)]
    with webhook_receiver() as receiver:
        subs = []
        for conv in convs:
            sub = await first.store.add_subscription(
                conv.app_id, receiver.url(f"/{conv.id}"), ["conversation.completed"]
            )
            subs.append(sub)
            await first.conversation_completed(conv)
        async with running(first), running(second):
            for sub in subs:
                assert await _settle(first, sub.id, 1) == ["sent"]
        paths = sorted(c.path for c in receiver.calls)
    assert paths == sorted(f"/{c.id}" for c in convs)
    await first.close()
    await second.close()
