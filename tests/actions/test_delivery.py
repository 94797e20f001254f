"""Summary e-mails end to end in one process: real SQLite storage, a real SMTP server.

Covers the outbox fallback, SMTP down at first and back later, SMTP down for good, and
pending deliveries resumed by a new service instance (a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from callscribe.actions import Actions, ActionStatus, LinkCheck
from callscribe.storage import Storage, open_storage
from tests.actions.conftest import LINES, SmtpServer, completed_conversation, make_settings

EMAIL_ACTION = {
    "invokeOn": "stop",
    "name": "sendSummaryEmail",
    "parameters": {"emails": ["ana@example.com", "bo@example.org"]},
}


@contextlib.asynccontextmanager
async def running(actions: Actions) -> AsyncIterator[None]:
    """The worker in a task group, as the server runs it; cancelled on exit."""
    async with asyncio.TaskGroup() as tg:
        task = tg.create_task(actions.run())
        try:
            yield
        finally:
            task.cancel()


async def wait_for(
    actions: Actions,
    conversation_id: str,
    done: Callable[[list[ActionStatus]], bool],
    within: float = 20.0,
) -> list[ActionStatus]:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        states = await actions.status(conversation_id)
        if states and done(states):
            return states
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"action states did not settle: {states}")
        await asyncio.sleep(0.05)


def _settled(states: list[ActionStatus]) -> bool:
    return all(s.status != "pending" for s in states)


async def test_without_smtp_the_message_goes_to_the_outbox(
    tmp_path: Path, storage: Storage
) -> None:
    actions = await Actions.create(make_settings(tmp_path), storage)
    conv = await completed_conversation(storage, [EMAIL_ACTION])
    await actions.conversation_completed(conv)
    async with running(actions):
        (state,) = await wait_for(actions, conv.id, _settled)
    assert state.status == "sent"
    assert state.attempts == 1
    assert state.recipients == ("ana@example.com", "bo@example.org")
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["To"] == "ana@example.com, bo@example.org"
    assert "Atlas sync" in msg["Subject"]
    assert "11 Mar 2026" in msg["Subject"]
    await actions.close()


async def test_smtp_down_at_first_then_back(
    tmp_path: Path, storage: Storage, smtp_later: SmtpServer
) -> None:
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp_later.port)
    actions = await Actions.create(settings, storage)
    conv = await completed_conversation(storage, [EMAIL_ACTION])
    await actions.conversation_completed(conv)
    async with running(actions):
        (first,) = await wait_for(actions, conv.id, lambda s: s[0].attempts >= 1)
        assert first.status == "pending", "a refused connection is transient: it is retried"
        assert first.error is not None
        assert str(smtp_later.port) in first.error
        smtp_later.start()
        (state,) = await wait_for(actions, conv.id, _settled)
    assert state.status == "sent", state
    assert state.attempts >= 2
    assert state.error is None
    assert state.delivered_at is not None
    (rcpts, msg) = smtp_later.inbox.messages[0]
    assert sorted(rcpts) == ["ana@example.com", "bo@example.org"]
    assert len(smtp_later.inbox.messages) == 1
    text = msg.get_body(("plain",))
    assert text is not None
    for who, line in LINES:
        assert f"{who}: {line}" in text.get_content()
    await actions.close()


async def test_smtp_down_for_good_is_recorded_as_failed(
    tmp_path: Path, storage: Storage, smtp_later: SmtpServer
) -> None:
    settings = make_settings(
        tmp_path, smtp_host="127.0.0.1", smtp_port=smtp_later.port, action_attempts=3
    )
    actions = await Actions.create(settings, storage)
    conv = await completed_conversation(storage, [EMAIL_ACTION, {**EMAIL_ACTION}])
    await actions.conversation_completed(conv)
    async with running(actions):
        states = await wait_for(actions, conv.id, _settled)
    assert [s.status for s in states] == ["failed", "failed"]
    for s in states:
        assert s.attempts == 3
        assert s.error is not None
        assert f"127.0.0.1:{smtp_later.port}" in s.error
        assert s.delivered_at is None
    await actions.close()


async def test_completing_twice_sends_once(
    tmp_path: Path, storage: Storage, smtp: SmtpServer
) -> None:
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port)
    actions = await Actions.create(settings, storage)
    conv = await completed_conversation(storage, [EMAIL_ACTION])
    await actions.conversation_completed(conv)
    await actions.conversation_completed(conv)
    async with running(actions):
        states = await wait_for(actions, conv.id, _settled)
    assert [s.status for s in states] == ["sent"]
    assert len(smtp.inbox.messages) == 1
    await actions.close()


async def test_pending_deliveries_resume_after_a_restart(tmp_path: Path, smtp: SmtpServer) -> None:
    url = f"sqlite:///{tmp_path / 'callscribe.db'}"
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port)
    first = await open_storage(url)
    actions = await Actions.create(settings, first)
    conv = await completed_conversation(first, [EMAIL_ACTION])
    await actions.conversation_completed(conv)  # recorded, but this process "dies" here
    (state,) = await actions.status(conv.id)
    assert state.status == "pending"
    await actions.close()
    await first.close()
    assert smtp.inbox.messages == []

    second = await open_storage(url)
    try:
        again = await Actions.create(settings, second)
        async with running(again):
            (state,) = await wait_for(again, conv.id, _settled)
        assert state.status == "sent"
        assert len(smtp.inbox.messages) == 1
        await again.close()
    finally:
        await second.close()


async def test_start_action_sends_the_live_link(
    tmp_path: Path, storage: Storage, smtp: SmtpServer
) -> None:
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port)
    actions = await Actions.create(settings, storage)
    start = {**EMAIL_ACTION, "invokeOn": "start"}
    conv = await completed_conversation(storage, [start])
    await actions.conversation_started(conv)
    await actions.conversation_completed(conv)  # no stop action: nothing more is sent
    async with running(actions):
        states = await wait_for(actions, conv.id, _settled)
    assert [(s.invoke_on, s.status) for s in states] == [("start", "sent")]
    (_, msg) = smtp.inbox.messages[0]
    assert msg["Subject"] == "Listening now: Atlas sync"
    body = msg.get_body(("plain",))
    assert body is not None
    assert actions.summary_url(conv) in body.get_content()
    await actions.close()


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_tls_modes_fail_cleanly_against_a_plain_server(
    tmp_path: Path, storage: Storage, smtp: SmtpServer, security: str
) -> None:
    """A plain server cannot do STARTTLS or implicit TLS: a recorded failure, no crash."""
    settings = make_settings(
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security=security,
        action_attempts=1,
        smtp_timeout=3,
    )
    actions = await Actions.create(settings, storage)
    conv = await completed_conversation(storage, [EMAIL_ACTION])
    await actions.conversation_completed(conv)
    async with running(actions):
        (state,) = await wait_for(actions, conv.id, _settled)
    assert state.status == "failed"
    assert state.error
    assert smtp.inbox.messages == []
    await actions.close()


async def test_invalid_stored_actions_do_not_break_completion(
    tmp_path: Path, storage: Storage
) -> None:
    actions = await Actions.create(make_settings(tmp_path), storage)
    conv = await completed_conversation(storage, [{"name": "sendSummaryEmail"}])
    bad = await completed_conversation(storage, [], name="bad")
    bad = dataclasses.replace(bad, settings={"actions": 5})
    await actions.conversation_completed(bad)
    await actions.conversation_completed(conv)  # no addresses: ignored, logged
    assert await actions.status(bad.id) == []
    assert await actions.status(conv.id) == []
    await actions.close()


async def test_a_webhook_after_links_were_revoked_carries_a_link_that_opens(
    tmp_path: Path, storage: Storage
) -> None:
    """Links revoked while the conversation ran (the caller's record is from before): the
    ``conversation.completed`` webhook links with the epoch as stored now."""
    actions = await Actions.create(make_settings(tmp_path), storage)
    stale = await completed_conversation(storage, [])
    await actions.store.add_subscription(
        stale.app_id, "https://hooks.example.com/x", ["conversation.completed"]
    )
    await storage.repository.revoke_links(stale.app_id, stale.id)
    await actions.conversation_completed(stale)
    (delivery,) = await actions.store.for_conversation(stale.id, "webhook")
    token = delivery.payload["body"]["summaryUrl"].rsplit("/", 1)[1]
    assert actions.links.check(stale.id, token, epoch=1) is LinkCheck.VALID
    await actions.close()
