"""Telephone-conversation shapes (as in the Switchboard corpus bench.insights scores): what
people ask without a question's form or mark, and what only looks like a question or a task."""

from __future__ import annotations

import pytest

from callscribe.insights import ConversationContext, InsightEngine

from .test_conversation import kinds
from .test_engine import message


@pytest.mark.parametrize(
    "text",
    [
        "You got kids?",  # a statement's form, asked by its mark
        "So you moved in March?",
        "That was a while ago, wasn't it",  # tags that lost their "?"
        "They did that didn't they",
        "It's been a dry winter out there hasn't it, uh,",
        "Kind of like the old office, huh.",
        "what uh what kind of climate do you have",  # fillers and stutters, no punctuation
        "are are you planning on getting another car",
        "do any of your friends have older children",
        "or did you book hotel rooms",
        "Has Herschel Walker done much for them",
        "isn't it strange how people react",
        "but, so what, what do you like about the show?",
        "so do you have a big family",  # not the agreement "so do I"
        "are y'all planning on having kids",
        "I don't know if you've heard of it.",  # asked as a statement
        "and I sort of wondered what your, what thoughts you had on that area.",
        "I was just wondering, were you in SAC by any chance?",
        "what branch were you in",  # a wh-word about a thing, no "?"
        "where else have you been",
        "which car did they buy",
        "but what practical steps could one take",
        "are have you been in big cities a long time",  # a restarted auxiliary
        "So, what made you decide to put her in a Montessori school",
        "Uh, who wants to start this one",
        "How much?",  # two words: a wh-word and what it asks about
        "Which basketball?",
        "Whereabouts?",
        "w- what does it feel like",  # broken-off words said again (meeting transcripts)
        "can w- can we see that",
        "i mean is it something of interest",  # two-word markers before the question
        "you know how can we detect that from a far field",
        "so i guess um is there a latest version of the belief net",
        "but how fast do they do the words within the spurt",  # how + degree + auxiliary
        "how well does the system do on digits",
    ],
)
def test_questions_asked_the_way_people_talk(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert "question" in kinds(engine, context, text)


@pytest.mark.parametrize(
    "text",
    [
        "Really?",  # backchannels in question form
        "Oh, really?",
        "Is that right?",
        "Oh, you did?",
        "Okay?",
        "The what?",  # asking to hear a word again
        "What did?",  # too short to list (the recogniser's "Will do.")
        "Friday?",
        "Who knows?",  # rhetorical
        "and when we came back we found out we had five drivers in the family.",  # clauses
        "which is somewhat similar to the last one.",
        "what we do is, we stay up till one thirty,",
        "or what's even worse, is they promote them anyway.",
        "was a red one.",  # a fragment that opens with a verb
        "and so do I",  # agreement by ellipsis
        "and he goes, do you want to dance.",  # reported speech
        "She said, What?",
        "and you know, what frightens me, is that nobody checks.",
        "I'm not sure how long they're supposed to be,",
        "and everybody, it was, like, oh, God, do you guys really watch that?",
        "You have a good evening, all right?",  # a parting wish
        "What's that?",  # asking to hear it again
        "Well, what bothers me,",  # a clause, not a question
        "I don't know how old you are,",  # a statement about oneself
        "which we did",
        "How are you today?",  # a greeting
        "how shall I say it,",  # looking for words
        "What's happening is people are losing,",  # a clause as subject
        "Is he really.",  # surprise, its mark lost
        "you could, you could do the dumbest thing",  # "you" is nobody's name
        "i mean you could you could do the dumbest thing",
        "Also, I guess you can, you know, get the wrong kind of stuff.",
        "and how fast it goes depends on the disk",  # how + degree, no auxiliary
    ],
)
def test_not_questions(engine: InsightEngine, context: ConversationContext, text: str) -> None:
    assert "question" not in kinds(engine, context, text)


@pytest.mark.parametrize(
    "text",
    [
        "Every once in a while, I have to travel overseas.",  # habits
        "and sometimes I will watch the evening news.",
        "I can see the concerns on both sides.",  # states of mind
        "You know, I, I have to laugh.",
        "I can't even think of the coach's name.",
        "we can't do that,",  # refusals
        "I'm not going to decide I don't like them yet.",
        "I don't know when I'm going to get a chance to do that.",
        "but I think you have to put into perspective what your kids need.",  # anyone's "you"
        "you have to be under control so much when they're out.",
        "I said, We're going to have a ham.",  # reported speech
        "I'll be darned.",  # an exclamation
        "Oh, you will?",  # a backchannel
        "I'll have to remember that.",  # a reaction
        "I'll watch that occasionally.",  # a habit
    ],
)
def test_not_tasks(engine: InsightEngine, context: ConversationContext, text: str) -> None:
    found = kinds(engine, context, text)
    assert not found & {"action_item", "follow_up"}


@pytest.mark.parametrize(
    "text",
    [
        "I'll send the revised contract to legal tomorrow.",
        "I'll check the error dashboard every day this week.",
        "Mike, can you book the room for Thursday?",
        "We can't ship on Friday, so I'll move the release to Monday.",
    ],
)
def test_tasks_still_found(engine: InsightEngine, context: ConversationContext, text: str) -> None:
    assert kinds(engine, context, text) & {"action_item", "follow_up"}


def test_an_or_question_joins_the_question_before_it(
    engine: InsightEngine, context: ConversationContext
) -> None:
    text = "Do we want to keep that discount for the renewal? Or lower it?"
    found = engine.analyze(message(text), context).insights
    assert [(i.type, i.text) for i in found] == [("question", text)]
    apart = "Is the invoice paid? I will check. Or is it still open?"
    questions = [i.text for i in engine.analyze(message(apart), context).insights]
    assert "Is the invoice paid?" in questions
    assert "Or is it still open?" in questions


@pytest.mark.parametrize(
    "text",
    [
        "Why bother working?",  # rhetorical, with or without the mark
        "Well, why should they be sitting in prison getting a degree.",
        "Isn't that true.",
        "And, you know, who's to put the limit on it?",
        "My, my little dog is, is my friend.",  # a phrase, then no question
        "but we've never really, uh, did any diving or anything.",
    ],
)
def test_rhetorical_and_mid_sentence_verbs_are_not_questions(
    engine: InsightEngine, context: ConversationContext, text: str
) -> None:
    assert "question" not in kinds(engine, context, text)
