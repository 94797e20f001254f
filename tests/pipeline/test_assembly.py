"""Message assembly: whole sentences of one speaker, whatever the pauses did to utterances."""

from __future__ import annotations

from callscribe.asr.types import Transcript, Word
from callscribe.pipeline.assembly import Assembled, AssemblyConfig, MessageAssembler, assemble
from callscribe.pipeline.timeline import SpeakerTimeline
from callscribe.records import Speaker

from .words import said

ANN, BOB = Speaker("Ann"), Speaker("Bob")


def texts(messages: list[Assembled]) -> list[tuple[str | None, str]]:
    return [(m.speaker.name if m.speaker else None, m.text) for m in messages]


def test_a_pause_in_the_middle_of_a_sentence_does_not_end_the_message() -> None:
    assembler = MessageAssembler(SpeakerTimeline(default=ANN))
    first = said("Today we need to go over the pricing proposal for", 1.0)
    assert assembler.add(first, paused=True, now=10.0) == []
    assert assembler.holding
    assembler.speech_started()
    second = said("Northwind and the onboarding timeline.", 5.0)
    out = assembler.add(second, paused=True, now=12.0)
    whole = (
        "Today we need to go over the pricing proposal for Northwind and the onboarding timeline."
    )
    assert texts(out) == [("Ann", whole)]
    assert (out[0].start, out[0].end) == (first.start, second.end)
    assert len(out[0].words) == 15
    assert not assembler.holding


def test_a_finished_sentence_at_a_pause_is_a_message_at_once() -> None:
    assembler = MessageAssembler(SpeakerTimeline(default=ANN))
    out = assembler.add(said("Let us start with the numbers.", 1.0), paused=True, now=3.0)
    assert texts(out) == [("Ann", "Let us start with the numbers.")]
    assert assembler.deadline is None


def test_two_speakers_in_one_utterance_are_two_messages() -> None:
    timeline = SpeakerTimeline()
    utterance = said("Can we ship on Friday? Yes we can.", 10.0, pauses={5: 0.5})
    timeline.start(9.0, ANN)
    timeline.start(12.0, BOB)  # in the pause between "Friday?" and "Yes"
    out = MessageAssembler(timeline).add(utterance, paused=True, now=13.5)
    assert texts(out) == [("Ann", "Can we ship on Friday?"), ("Bob", "Yes we can.")]


def test_held_speech_goes_when_nobody_goes_on_and_waits_while_someone_speaks() -> None:
    assembler = MessageAssembler(SpeakerTimeline(default=ANN), AssemblyConfig(hold=1.5))
    assembler.add(said("So the plan is to", 1.0), paused=True, now=10.0)
    assert assembler.deadline == 11.5
    assert assembler.expire(11.0) == []
    assembler.speech_started()
    assert assembler.deadline is None
    assert assembler.expire(20.0) == []
    assembler.add(Transcript(""), paused=True, now=20.0)  # it was noise: wait again
    assert texts(assembler.expire(21.6)) == [("Ann", "So the plan is to")]
    assert not assembler.holding


def test_someone_else_speaking_ends_a_held_sentence() -> None:
    timeline = SpeakerTimeline()
    timeline.start(0.5, ANN)
    assembler = MessageAssembler(timeline)
    assert assembler.add(said("I was going to say that", 1.0), paused=True, now=4.0) == []
    timeline.start(4.5, BOB)
    out = assembler.add(said("Sorry, go ahead.", 5.0), paused=True, now=7.0)
    assert texts(out) == [("Ann", "I was going to say that"), ("Bob", "Sorry, go ahead.")]


def test_a_late_event_decides_who_said_held_speech() -> None:
    timeline = SpeakerTimeline()
    timeline.start(0.5, ANN)
    assembler = MessageAssembler(timeline)
    held = said("Dana, can you send the", 1.0, pauses={3: 0.4})
    assert assembler.add(held, paused=True, now=4.0) == []
    timeline.start(1.9, BOB)  # arrives late: Bob took over at the pause after "Dana, can you"
    out = assembler.flush()
    assert texts(out) == [("Ann", "Dana, can you"), ("Bob", "Send the")]


def test_a_cut_at_the_length_cap_does_not_end_the_message() -> None:
    assembler = MessageAssembler(SpeakerTimeline(default=ANN))
    assert assembler.add(said("We looked at it.", 1.0), paused=False, now=3.0) == []
    out = assembler.add(said("It works.", 2.5), paused=True, now=4.0)
    assert texts(out) == [("Ann", "We looked at it. It works.")]


def test_a_long_monologue_is_cut_at_sentence_ends() -> None:
    config = AssemblyConfig(max_seconds=4.0)
    assembler = MessageAssembler(SpeakerTimeline(default=ANN), config)
    talk = said(
        "One two three. Four five six. Seven eight nine. Ten eleven twelve and", 0.0, pace=0.5
    )
    out = assembler.add(talk, paused=True, now=8.0)
    # 3 words take 1.5 s: two sentences fit in 4 s, the open tail is still held
    assert texts(out) == [("Ann", "One two three. Four five six."), ("Ann", "Seven eight nine.")]
    assert texts(assembler.flush()) == [("Ann", "Ten eleven twelve and")]


def test_the_recognisers_text_is_kept_and_seams_are_mended() -> None:
    words = (Word("It", 0.0, 0.2, 0.9), Word("is", 0.2, 0.4, 0.9), Word("$12", 0.4, 0.7, 0.9))
    words += (Word(",000.", 0.7, 1.0, 0.9),)
    money = Transcript("It is $12,000.", words, 0.9, 0.0, 1.0).shifted(7.0)
    timeline = SpeakerTimeline()
    timeline.start(0.0, Speaker("Dana"))
    out = assemble(
        [said("Perfect. Dana.", 2.0), said("Please update the doc.", 4.0), money], timeline
    )
    assert [m.text for m in out] == ["Perfect. Dana, please update the doc.", "It is $12,000."]


def test_a_whole_recording_without_speakers() -> None:
    out = assemble([said("Hello there.", 0.0), said("How is it", 2.0), said("going?", 4.0)])
    assert texts(out) == [(None, "Hello there."), (None, "How is it going?")]


def test_a_held_sentence_goes_as_soon_as_someone_else_is_announced() -> None:
    timeline = SpeakerTimeline()
    timeline.start(0.5, ANN)
    assembler = MessageAssembler(timeline)
    assert assembler.add(said("I was going to say that", 1.0), paused=True, now=4.0) == []
    assembler.speech_started()  # someone speaks: without an event, Ann's words wait for them
    assert assembler.turn_taken() == []  # an event that changes nothing lets nothing go
    timeline.start(3.5, BOB)
    assert texts(assembler.turn_taken()) == [("Ann", "I was going to say that")]
    assert not assembler.holding


def test_a_settled_sentence_waits_the_rest_of_the_usual_pause_for_its_speaker() -> None:
    config = AssemblyConfig()
    assembler = MessageAssembler(SpeakerTimeline(default=ANN), config)
    first = said("We ship on Friday.", 1.0)
    # the final came at 10.0; the usual pause would have ended its utterance at 10.1
    assert assembler.add(first, paused=True, now=10.0, settled_at=10.1) == []
    assert assembler.deadline == 10.1
    assembler.speech_started()  # she goes on within the usual pause: one message, as before
    out = assembler.add(said("Then we tell the customers.", 3.0), paused=True, now=12.0)
    assert texts(out) == [("Ann", "We ship on Friday. Then we tell the customers.")]
    # nobody goes on: the message is out once the usual pause would have ended the utterance
    assert assembler.add(said("Any questions?", 6.0), paused=True, now=20.0, settled_at=20.3) == []
    assert assembler.expire(20.2) == []
    assert texts(assembler.expire(20.3)) == [("Ann", "Any questions?")]
    # an open sentence waits ``hold`` as always, even when its utterance ended early
    assert assembler.add(said("Ann.", 9.0), paused=True, now=30.0, settled_at=30.0) == []
    assert assembler.deadline == 30.0 + config.hold
