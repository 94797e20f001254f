"""The second pass onto the messages: which messages change speaker, and the renames that keep
their insights in step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callscribe.insights.records import Insight, MessageAnalysis, Person, Sentiment
from callscribe.pipeline.relabel import Stretch, plan, relabelled
from callscribe.records import Member, Message, Speaker
from callscribe.storage.convert import renamed

T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def message(id: str, who: str | None, start: float, stop: float) -> Message:
    member = Member(f"m-{who}", who) if who else None
    return Message(
        id,
        "c",
        int(id),
        "text",
        member,
        T0 + timedelta(seconds=start),
        T0 + timedelta(seconds=stop),
    )


def s(start: float, stop: float, name: str) -> Stretch:
    return Stretch(start, stop, Speaker(name))


def test_a_voice_merged_into_another_takes_its_name_everywhere() -> None:
    messages = [
        message("1", "Speaker 1", 0, 3),
        message("2", "Speaker 2", 4, 7),
        message("3", "Speaker 3", 8, 11),  # Speaker 1 again, taken for a new voice live
    ]
    stretches = [s(0, 3, "Speaker 1"), s(4, 7, "Speaker 2"), s(8, 11, "Speaker 1")]
    change = plan(messages, T0, stretches)
    assert change.speakers == {"3": Speaker("Speaker 1")}
    assert change.everywhere == {"Speaker 3": "Speaker 1"}
    assert change.names_for("2") == {"Speaker 3": "Speaker 1"}


def test_a_message_goes_to_the_speaker_holding_most_of_it() -> None:
    messages = [message("1", "Speaker 2", 0, 4), message("2", "Speaker 2", 5, 8)]
    stretches = [s(0, 1, "Speaker 2"), s(1, 4, "Speaker 1"), s(5, 8, "Speaker 2")]
    change = plan(messages, T0, stretches)
    assert change.speakers == {"1": Speaker("Speaker 1")}
    assert change.by_message == {"1": {"Speaker 2": "Speaker 1"}}
    assert change.everywhere == {}  # Speaker 2 still speaks: a request to them stays theirs


def test_named_messages_and_unheard_ones_keep_their_speaker() -> None:
    messages = [
        message("1", "Marcus", 0, 3),
        message("2", "Speaker 2", 4, 7),
        message("3", None, 8, 9),
        message("4", "Speaker 2", 20, 22),  # no stretch here: the second pass did not hear it
    ]
    stretches = [s(0, 3, "Speaker 2"), s(4, 7, "Marcus"), s(8, 9, "Marcus")]
    change = plan(messages, T0, stretches)
    assert change.speakers == {"2": Speaker("Marcus")}
    assert change.everywhere == {}


def test_renumbering_renames_all_at_once() -> None:
    messages = [
        message("1", "Speaker 1", 0, 3),
        message("2", "Speaker 2", 4, 7),  # merged into Speaker 1
        message("3", "Speaker 3", 8, 11),  # now the second voice: "Speaker 2"
    ]
    stretches = [s(0, 3, "Speaker 1"), s(4, 7, "Speaker 1"), s(8, 11, "Speaker 2")]
    change = plan(messages, T0, stretches)
    assert change.everywhere == {"Speaker 2": "Speaker 1", "Speaker 3": "Speaker 2"}
    task = {"assignee": {"name": "Speaker 3"}, "from": {"name": "Speaker 2"}, "text": "Speaker 2"}
    assert renamed(task, change.everywhere) == {
        "assignee": {"name": "Speaker 2"},
        "from": {"name": "Speaker 1"},
        "text": "Speaker 2",  # text is left alone
    }


def test_insights_follow_their_speaker() -> None:
    neutral = Sentiment(0.0, "neutral")
    i = Insight(
        "action_item",
        "I will send the deck",
        "3",
        0.9,
        speaker=Person("Speaker 3"),
        assignee=Person("Speaker 3"),
    )
    other = Insight("question", "Can you?", "3", 0.9, speaker=Person("Speaker 3"))
    analysis = MessageAnalysis("3", neutral, (i, other))
    out = relabelled(analysis, {"Speaker 3": "Speaker 1"})
    assert [x.speaker.name for x in out.insights] == ["Speaker 1", "Speaker 1"]
    assert out.insights[0].assignee == Person("Speaker 1")
    assert relabelled(analysis, {}) is analysis
