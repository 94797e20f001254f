"""The repository against real SQLite and PostgreSQL: writes are durable, reads are scoped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from callscribe.errors import NotFound
from callscribe.insights.records import Insight, MessageAnalysis, Person, Sentiment
from callscribe.records import ConversationStatus, JobStatus, NewMessage, Speaker, Word
from callscribe.storage import Storage, open_storage

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def msg(text: str, who: str | None, at: float, *, user_id: str | None = None) -> NewMessage:
    start = T0 + timedelta(seconds=at)
    return NewMessage(
        text=text,
        speaker=Speaker(name=who, user_id=user_id),
        start=start,
        end=start + timedelta(seconds=2),
        words=(Word(text.split()[0], start, start + timedelta(seconds=0.4), 0.9),),
        confidence=0.93,
    )


async def test_messages_keep_order_speakers_times_and_words(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("app1", "one", "hash")
    conv = await repo.create_conversation(app_id="app1", name="n", source="text", start_time=T0)
    await repo.add_messages(
        conv.id,
        [msg("Hello everyone", "Ann", 0, user_id="ann@example.com"), msg("Hi Ann", "Bob", 3)],
    )
    await repo.add_messages(conv.id, [msg("Let us start", "ann", 6, user_id="ANN@example.com")])

    got = await repo.list_messages(conv.id)
    assert [m.text for m in got] == ["Hello everyone", "Hi Ann", "Let us start"]
    assert [m.seq for m in got] == [1, 2, 3]
    assert got[0].member is not None
    assert got[2].member is not None
    assert got[0].member.id == got[2].member.id  # same userId, case-insensitively: same member
    assert got[1].member is not None
    assert got[1].member.name == "Bob"
    assert got[1].start == T0 + timedelta(seconds=3)
    assert got[0].words[0].word == "Hello"
    assert got[0].words[0].score == 0.9
    assert got[0].confidence == pytest.approx(0.93)
    members = await repo.list_members(conv.id)
    assert sorted(m.name for m in members) == ["Ann", "Bob"]


async def test_other_apps_never_see_a_conversation(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("a", "a", "h")
    await repo.create_app("b", "b", "h")
    conv = await repo.create_conversation(app_id="a", name="n", source="text", start_time=T0)
    with pytest.raises(NotFound):
        await repo.get_conversation("b", conv.id)
    with pytest.raises(NotFound):
        await repo.delete_conversation("b", conv.id)
    assert [c.id for c in await repo.list_conversations("b")] == []
    assert [c.id for c in await repo.list_conversations("a")] == [conv.id]


async def test_rename_member_shows_in_messages(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("a", "a", "h")
    conv = await repo.create_conversation(app_id="a", name="n", source="text", start_time=T0)
    await repo.add_messages(conv.id, [msg("One", "Speaker 1", 0), msg("Two", "Speaker 1", 2)])
    member = (await repo.list_members(conv.id))[0]
    await repo.update_member("a", conv.id, member.id, name="Priya", email="priya@example.com")
    names = {m.member.name for m in await repo.list_messages(conv.id) if m.member}
    assert names == {"Priya"}
    with pytest.raises(NotFound):
        await repo.update_member("a", conv.id, "no-such-member", name="X", email=None)


async def test_relabelled_messages_move_members_and_insights_in_one_go(storage: Storage) -> None:
    repo, insights = storage.repository, storage.insights
    await repo.create_app("a", "a", "h")
    conv = await repo.create_conversation(app_id="a", name="n", source="call", start_time=T0)
    one, two, three = await repo.add_messages(
        conv.id,
        [
            msg("Marcus, can you send it", "Speaker 1", 0),
            msg("Sure I will", "Speaker 2", 3),
            msg("Thanks", "Speaker 3", 6),
        ],
    )
    neutral = Sentiment(0.0, "neutral")
    ask = Insight("action_item", "send it", one.id, 0.9, Person("Speaker 1"), Person("Speaker 3"))
    took = Insight("follow_up", "I will", two.id, 0.9, Person("Speaker 2"), Person("Speaker 2"))
    await insights.save_analyses(
        conv.id,
        [MessageAnalysis(one.id, neutral, (ask,)), MessageAnalysis(two.id, neutral, (took,))],
    )
    # Speaker 2 was Speaker 1's voice; Speaker 3 becomes the second voice
    moved = await repo.relabel_messages(
        conv.id,
        {two.id: Speaker("Speaker 1"), three.id: Speaker("Speaker 2")},
        everywhere={"Speaker 2": "Speaker 1", "Speaker 3": "Speaker 2"},
        by_message={two.id: {"Speaker 2": "Speaker 1"}, three.id: {"Speaker 3": "Speaker 2"}},
    )
    assert {k: m.member.name for k, m in moved.items() if m.member} == {
        two.id: "Speaker 1",
        three.id: "Speaker 2",
    }
    stored = await repo.list_messages(conv.id)
    assert [m.member.name for m in stored if m.member] == ["Speaker 1", "Speaker 1", "Speaker 2"]
    assert sorted(m.name for m in await repo.list_members(conv.id)) == ["Speaker 1", "Speaker 2"]
    found = {i.insight.type: i.insight for i in await insights.insights(conv.id)}
    assert (found["action_item"].speaker.name, found["action_item"].assignee) == (
        "Speaker 1",
        Person("Speaker 2"),
    )
    assert found["follow_up"].speaker.name == "Speaker 1"
    assert (await insights.analyses(conv.id))[two.id].insights[0].assignee == Person("Speaker 1")


async def test_delete_removes_everything(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("a", "a", "h")
    conv = await repo.create_conversation(app_id="a", name="n", source="text", start_time=T0)
    await repo.add_messages(conv.id, [msg("One", "Ann", 0)])
    job = await repo.create_job("a", conv.id, "text")
    await repo.delete_conversation("a", conv.id)
    assert await repo.list_messages(conv.id) == []
    assert await repo.list_members(conv.id) == []
    with pytest.raises(NotFound):
        await repo.get_job("a", job.id)
    with pytest.raises(NotFound):
        await repo.get_conversation("a", conv.id)


async def test_jobs_move_through_states_and_unfinished_ones_are_found(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("a", "a", "h")
    conv = await repo.create_conversation(app_id="a", name="n", source="text", start_time=T0)
    done = await repo.create_job("a", conv.id, "text", {"webhookUrl": "http://x"})
    pending = await repo.create_job("a", conv.id, "text")
    await repo.set_job_status(done.id, JobStatus.COMPLETED)
    assert (await repo.get_job("a", done.id)).status is JobStatus.COMPLETED
    assert (await repo.get_job("a", done.id)).params == {"webhookUrl": "http://x"}
    assert [j.id for j in await repo.unfinished_jobs()] == [pending.id]
    with pytest.raises(NotFound):
        await repo.get_job("someone-else", done.id)


async def test_concurrent_appends_get_distinct_sequence_numbers(storage: Storage) -> None:
    repo = storage.repository
    await repo.create_app("a", "a", "h")
    conv = await repo.create_conversation(app_id="a", name="n", source="text", start_time=T0)
    await asyncio.gather(*(repo.add_messages(conv.id, [msg(f"m{i}", "Ann", i)]) for i in range(8)))
    seqs = [m.seq for m in await repo.list_messages(conv.id)]
    assert seqs == list(range(1, 9))


async def test_data_survives_reopening(database_url: str) -> None:
    first = await open_storage(database_url)
    await first.repository.create_app("a", "a", "h")
    conv = await first.repository.create_conversation(
        app_id="a", name="kept", source="text", start_time=T0
    )
    await first.repository.add_messages(conv.id, [msg("Still here", "Ann", 0)])
    await first.repository.finish_conversation(conv.id, ConversationStatus.COMPLETED, T0)
    await first.close()

    second = await open_storage(database_url)  # migrations run again: a no-op
    try:
        again = await second.repository.get_conversation("a", conv.id)
        assert again.name == "kept"
        assert again.status is ConversationStatus.COMPLETED
        assert [m.text for m in await second.repository.list_messages(conv.id)] == ["Still here"]
    finally:
        await second.close()


async def test_signing_key_is_created_once(storage: Storage) -> None:
    repo = storage.repository
    first = await repo.get_or_create_key("k", "one")
    second = await repo.get_or_create_key("k", "two")
    assert first == second == "one"


async def test_a_conversation_its_messages_and_its_job_are_stored_together_or_not_at_all(
    storage: Storage,
) -> None:
    repo = storage.repository
    await repo.create_app("app1", "one", "hash")
    fields = {
        "app_id": "app1",
        "name": "n",
        "source": "text",
        "start_time": T0,
        "timezone": "UTC",
        "settings": {},
        "kind": "text",
        "params": {},
    }
    conv, job = await repo.create_with_job(
        **fields, messages=[msg("Hello everyone", "Ann", 0), msg("Hi Ann", "Bob", 3)]
    )
    assert [m.text for m in await repo.list_messages(conv.id)] == ["Hello everyone", "Hi Ann"]
    assert {m.name for m in (await repo.get_conversation("app1", conv.id)).members} == {
        "Ann",
        "Bob",
    }
    assert [j.id for j in await repo.unfinished_jobs()] == [job.id]

    broken = [msg("Fine", "Ann", 0), None]  # fails half-way, after the conversation row
    with pytest.raises(AttributeError):
        await repo.create_with_job(**fields, messages=broken)  # type: ignore[arg-type]
    assert [c.id for c in await repo.list_conversations("app1")] == [conv.id]
    assert [j.id for j in await repo.unfinished_jobs()] == [job.id]
    assert await repo.claims.orphaned_conversations(set()) == []
