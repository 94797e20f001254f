"""A request and the answer that takes it on are one task (no models: analyses are given)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callscribe.insights.pairing import WINDOW, accept, requests_in
from callscribe.insights.records import (
    DueDate,
    Insight,
    MessageAnalysis,
    MessageInput,
    Person,
    Sentiment,
)

AT = datetime(2026, 11, 30, 15, tzinfo=UTC)
PRIYA, MARCUS, DANA = Person("Priya"), Person("Marcus"), Person("Dana")
NEUTRAL = Sentiment(0.0, "neutral")
FRIDAY = DueDate(datetime(2026, 12, 4, 17, tzinfo=UTC), "by Friday", 0)


def said(
    n: int, text: str, who: Person, *insights: Insight
) -> tuple[MessageInput, MessageAnalysis]:
    return MessageInput(f"m{n}", text, who, AT, AT), MessageAnalysis(f"m{n}", NEUTRAL, insights)


def task(text: str, who: Person, assignee: Person, n: int, due: DueDate | None = None) -> Insight:
    return Insight("action_item", text, f"m{n}", 0.9, who, assignee, due)


ASK = "Marcus, can you send the pricing deck by Friday?"


def test_an_acceptance_makes_the_request_the_one_task() -> None:
    request, analysis = said(0, ASK, PRIYA, task(ASK, PRIYA, MARCUS, 0))
    requests = requests_in(0, request, analysis)
    answer = "Sure, I will send the pricing deck tomorrow."
    tomorrow = DueDate(datetime(2026, 12, 1, 17, tzinfo=UTC), "tomorrow", 0)
    msg, mine = said(1, answer, MARCUS, task(answer, MARCUS, MARCUS, 1, tomorrow))
    accepted = accept(1, msg, mine, requests)
    assert accepted is not None
    assert accepted.answer.insights == ()  # the promise is the same task: not a second one
    updated = accepted.updated
    assert (updated.text, updated.assignee, updated.due_by) == (ASK, MARCUS, tomorrow)
    assert updated.confirmed_in == ("m1",)
    assert updated.definitive


def test_a_bare_yes_takes_a_request_made_of_the_speaker_only() -> None:
    request, analysis = said(0, ASK, PRIYA, task(ASK, PRIYA, MARCUS, 0, FRIDAY))
    requests = requests_in(0, request, analysis)
    assert accept(1, *said(1, "Will do.", DANA), requests) is None  # asked of Marcus
    accepted = accept(1, *said(1, "Will do.", MARCUS), requests)
    assert accepted is not None
    assert accepted.updated.due_by == FRIDAY
    assert accept(1, *said(1, "No, I can't this week.", MARCUS), requests) is None
    assert accept(1, *said(1, "No problem, I'll do it.", MARCUS), requests) is not None


def test_a_proposal_to_the_room_goes_to_whoever_volunteers() -> None:
    text = "Then let us schedule a call with the vendor next week."
    proposal = Insight("follow_up", text, "m0", 0.9, PRIYA, PRIYA)
    request, analysis = said(0, text, PRIYA, proposal)
    requests = requests_in(0, request, analysis)
    assert (
        accept(1, *said(1, "Sounds good.", DANA), requests) is None
    )  # agreeing is not volunteering
    answer = "I can set that up. I will book the vendor call for Tuesday."
    mine = task("I will book the vendor call for Tuesday.", DANA, DANA, 2)
    other = task("I will also email the agenda to everyone.", DANA, DANA, 2)
    accepted = accept(2, *said(2, answer, DANA, mine, other), requests)
    assert accepted is not None
    assert accepted.updated.assignee == DANA
    assert accepted.answer.insights == (other,)  # a different task stays a task


def test_answers_come_soon_after_the_request() -> None:
    request, analysis = said(0, ASK, PRIYA, task(ASK, PRIYA, MARCUS, 0))
    requests = requests_in(0, request, analysis)
    assert accept(WINDOW + 1, *said(WINDOW + 1, "Sure, I will.", MARCUS), requests) is None


def test_ones_own_promise_is_not_a_request() -> None:
    text = "I will send the deck."
    request, analysis = said(0, text, MARCUS, task(text, MARCUS, MARCUS, 0))
    assert requests_in(0, request, analysis) == []


def test_a_promise_of_something_else_is_not_an_answer() -> None:
    text = "Okay. Priya will prepare a recovery plan for Globex by tomorrow."
    request, analysis = said(0, text, MARCUS, task(text, MARCUS, PRIYA, 0))
    requests = requests_in(0, request, analysis)
    answer = "I'll follow up with their CTO on Monday."
    own = task(answer, PRIYA, PRIYA, 1)
    assert accept(1, *said(1, answer, PRIYA, own), requests) is None


def test_an_answer_that_refers_back_says_when_even_if_it_is_no_task_itself() -> None:
    ask = "Omar, please draft the credit note and send it to me by Thursday."
    request, analysis = said(0, ask, PRIYA, task(ask, PRIYA, MARCUS, 0, FRIDAY))
    requests = requests_in(0, request, analysis)
    wednesday = DueDate(datetime(2026, 12, 2, 17, tzinfo=UTC), "on Wednesday", 0)
    answer = "No problem, you'll have it on Wednesday."
    accepted = accept(1, *said(1, answer, MARCUS), requests, lambda text: wednesday)
    assert accepted is not None
    assert accepted.updated.due_by == wednesday
    later = "Sure, I'll do it right after this meeting."
    promise = task(later, MARCUS, MARCUS, 1)
    accepted = accept(1, *said(1, later, MARCUS, promise), requests)
    assert accepted is not None
    assert accepted.answer.insights == ()  # "do it": the same task


def test_the_reply_to_a_request_is_about_it_unless_it_says_it_is_more() -> None:
    ask = "Marcus, would you set up a call with the candidate this week?"
    request, analysis = said(0, ask, PRIYA, task(ask, PRIYA, MARCUS, 0))
    requests = requests_in(0, request, analysis)
    answer = "Yes, I'll email her today and find a time. I will also book the room."
    mine = task("Yes, I'll email her today and find a time.", MARCUS, MARCUS, 1)
    more = task("I will also book the room.", MARCUS, MARCUS, 1)
    accepted = accept(1, *said(1, answer, MARCUS, mine, more), requests)
    assert accepted is not None
    assert accepted.answer.insights == (more,)


def test_a_volunteer_takes_a_proposal_with_the_way_they_will_do_it() -> None:
    text = "Then someone should shorten it before the onsite."
    proposal = task(text, PRIYA, PRIYA, 0)
    request, analysis = said(0, text, PRIYA, proposal)
    requests = requests_in(0, request, analysis)
    monday = DueDate(datetime(2026, 12, 7, 17, tzinfo=UTC), "by Monday", 0)
    answer = "I can do that. I'll cut it down to two hours by Monday."
    mine = task("I'll cut it down to two hours by Monday.", DANA, DANA, 1, monday)
    accepted = accept(1, *said(1, answer, DANA, mine), requests)
    assert accepted is not None
    assert (accepted.updated.assignee, accepted.updated.due_by) == (DANA, monday)
    assert accepted.answer.insights == ()


def test_an_answer_that_names_the_email_makes_the_task_a_follow_up() -> None:
    text = "Please keep the account manager in the loop."
    request, analysis = said(0, text, PRIYA, task(text, PRIYA, MARCUS, 0))
    requests = requests_in(0, request, analysis)
    answer = "I'll email her after the measurement."
    promise = Insight("follow_up", answer, "m1", 0.9, MARCUS, MARCUS)
    accepted = accept(1, *said(1, f"Will do. {answer}", MARCUS, promise), requests)
    assert accepted is not None
    assert (accepted.updated.type, accepted.updated.text) == ("follow_up", text)
    assert accepted.answer.insights == ()
    plain = accept(1, *said(1, "Will do.", MARCUS), requests)
    assert plain is not None
    assert plain.updated.type == "action_item"


def test_two_voices_without_names_are_two_people() -> None:
    first, third = Person("Speaker 1"), Person("Speaker 3")
    text = "Then let us schedule a call with the vendor next week."
    proposal = Insight("follow_up", text, "m0", 0.9, first, first)
    requests = requests_in(0, *said(0, text, first, proposal))
    answer = "I can set that up. I will book the vendor call for Tuesday."
    mine = task("I will book the vendor call for Tuesday.", third, third, 1)
    accepted = accept(1, *said(1, answer, third, mine), requests)
    assert accepted is not None
    assert accepted.updated.assignee == third


def test_on_a_dial_in_the_voice_that_takes_a_request_naming_someone_answers_for_them() -> None:
    asker, voice, other = Person("Speaker 1"), Person("Speaker 2"), Person("Speaker 3")
    request, analysis = said(0, ASK, asker, task(ASK, asker, MARCUS, 0))
    requests = requests_in(0, request, analysis)
    answer = "Sure, I will send the pricing deck by Friday."
    msg, mine = said(1, answer, voice, task(answer, voice, voice, 1, FRIDAY))
    accepted = accept(1, msg, mine, requests)
    assert accepted is not None
    assert accepted.answer.insights == ()  # one task, not the request and the promise
    assert (accepted.updated.assignee, accepted.updated.due_by) == (MARCUS, FRIDAY)
    # the asker's own voice does not answer its request, nor does a named person not asked
    assert accept(1, *said(1, "Sure, I will.", asker), requests) is None
    assert accept(1, *said(1, "Sure, I will.", DANA), requests) is None
    assert accept(1, *said(1, "Sure, I will.", other), requests) is not None


def question(text: str, who: Person, n: int) -> Insight:
    return Insight("question", text, f"m{n}", 0.9, who)


PROPOSE = "Should we invite their finance lead to that vendor call as well?"


def test_agreeing_to_a_proposal_put_as_a_question_makes_it_the_task() -> None:
    asked = question(PROPOSE, MARCUS, 0)
    requests = requests_in(0, *said(0, PROPOSE, MARCUS, asked))
    assert len(requests) == 1
    answer = "Good idea. Yes, let us include her. She asked about the invoices last time."
    own = task("Yes, let us include her.", PRIYA, PRIYA, 1)
    accepted = accept(1, *said(1, answer, PRIYA, own), requests)
    assert accepted is not None
    assert accepted.updated is None  # the question stays a question
    (item,) = accepted.answer.insights
    assert item.text == f"{PROPOSE} Yes, let us include her."
    assert (item.type, item.assignee, item.message_id) == ("follow_up", PRIYA, "m1")
    assert item.confirmed_in == ("m0",)  # both messages are the item's
    assert item.definitive
    one = "Good idea. Yes, let us include her, she asked about the invoices last time."
    own = task(one[11:], PRIYA, PRIYA, 1)
    accepted = accept(1, *said(1, one, PRIYA, own), requests)
    assert accepted is not None  # the remark after the comma is no task of its own
    assert [i.text for i in accepted.answer.insights] == [f"{PROPOSE} {one[11:]}"]


def test_a_bare_agreement_gives_the_proposal_to_the_one_who_made_it_and_says_when() -> None:
    text = "Can we move the review to Friday?"
    requests = requests_in(0, *said(0, text, MARCUS, question(text, MARCUS, 0)))
    accepted = accept(1, *said(1, "Sure, that works.", PRIYA), requests, lambda t: FRIDAY)
    assert accepted is not None
    (item,) = accepted.answer.insights
    assert (item.text, item.type) == (f"{text} Sure, that works.", "action_item")
    assert (item.assignee, item.due_by) == (MARCUS, FRIDAY)
    offer = "Should I send the deck to the client?"
    requests = requests_in(0, *said(0, offer, MARCUS, question(offer, MARCUS, 0)))
    accepted = accept(
        1, *said(1, "Yes please.", PRIYA, task("Yes please.", PRIYA, MARCUS, 1)), requests
    )
    assert accepted is not None
    assert [(i.text, i.assignee) for i in accepted.answer.insights] == [
        (f"{offer} Yes please.", MARCUS)
    ]


def test_a_proposal_is_not_taken_on_by_its_asker_a_refusal_a_but_or_a_later_yes() -> None:
    requests = requests_in(0, *said(0, PROPOSE, MARCUS, question(PROPOSE, MARCUS, 0)))
    assert accept(1, *said(1, "Yes, let us include her.", MARCUS), requests) is None
    assert accept(1, *said(1, "No, let us keep it small.", PRIYA), requests) is None
    but = "That is a good idea, but let us talk to legal first."
    assert accept(1, *said(1, but, PRIYA), requests) is None
    assert accept(1, *said(1, "Good idea, but not this time.", PRIYA), requests) is None
    assert accept(2, *said(2, "Yes, let's.", PRIYA), requests) is None  # not the next message


def test_an_agreement_that_says_the_task_itself_stays_its_own_task() -> None:
    text = "Should we schedule a debrief after the onsites?"
    requests = requests_in(0, *said(0, text, MARCUS, question(text, MARCUS, 0)))
    answer = "Yes, let's do a debrief on Thursday afternoon."
    assert accept(1, *said(1, answer, PRIYA, task(answer, PRIYA, PRIYA, 1)), requests) is None


@pytest.mark.parametrize(
    "text",
    [
        "Should we get started?",  # steering the meeting
        "Shall we move on to the next item?",
        "Should we use the new photos?",  # a decision taken now
        "Should we be worried about that?",
        "Can you all hear me?",  # a sound check
        "Do we have a date for the go live?",  # asks, proposes nothing
        "What should we do about the invoice?",
    ],
)
def test_these_questions_propose_no_work(text: str) -> None:
    assert requests_in(0, *said(0, text, MARCUS, question(text, MARCUS, 0))) == []


def test_a_request_to_a_misheard_name_is_taken_by_the_member_it_sounds_like() -> None:
    elena, ravi = Person("Elena"), Person("Ravi")
    ask = "Then, Alina, could you send an apology email to the customers?"
    misheard = Person("Alina")  # Elena had not spoken yet: no member had the name
    requests = requests_in(0, *said(0, ask, PRIYA, task(ask, PRIYA, misheard, 0)))
    answer = "Yes, I'll draft it today and send it tomorrow morning."
    members = (PRIYA, ravi, elena)
    assert accept(1, *said(1, answer, ravi), requests, members=members) is None
    accepted = accept(1, *said(1, answer, elena), requests, members=members)
    assert accepted is not None
    assert accepted.updated.assignee == elena
    # a name a member has is that member's, however close another's sounds
    dan = Person("Dan")
    requests = requests_in(0, *said(0, ASK, PRIYA, task("Dan, can you?", PRIYA, dan, 0)))
    assert accept(1, *said(1, "Sure.", DANA), requests, members=(PRIYA, dan, DANA)) is None
