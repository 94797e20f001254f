"""A request and its acceptance are one task.

"Marcus, can you send the deck by Friday?" — "Sure, I will send it by Friday." is one action
item, for Marcus, due Friday; counting it twice (once as asked, once as promised) is what a
reader of the summary would call a duplicate. Rules:

* a *request* is an action item or follow-up that asks it of someone other than its speaker
  (assigned to another person), or proposes it to the room ("let's…", "we should…",
  "someone needs to…") without an owner;
* an *answer* to it comes from another speaker within ``WINDOW`` messages. It accepts a request
  made of them when it opens with an acceptance ("sure", "yes", "will do", "okay"…) or holds a
  first-person commitment ("I will…", "I can…") to the same thing (on a dial-in, where
  speakers are voices without names, a request naming someone — "Marcus, can you…?" — is
  answered by whichever voice, not the asker's, takes it on); it takes on an open
  proposal only by such a commitment (agreeing — "sounds good" — is not volunteering). A
  refusal ("No", "I can't") takes nothing on, nor does a promise of something else;
* the accepted request becomes the one item: its owner is whoever accepted (the person the
  request named, when only a voice without a name accepted), its due date the
  one the answer gives (else the request's), it is definitive, it refers to both messages, and
  it is a follow-up when either side is one.
  The reply's own task sentences are the same task — all of them in a reply to a request or a
  proposal ("Yes, I'll email her today" to "would you set up a call with her?"), unless it
  says it is more ("Also, …"); in a reply to a statement ("Priya will…"), those that restate
  it (a shared content word, a pronoun pointing back: "I can set that up").

Pure: analyses in, analyses out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from callscribe.insights.cues import CHATTER, DECISION, FOLLOW_UP, MEETING_PROCESS, wordset
from callscribe.insights.intent import split_sentences
from callscribe.insights.names import first_name, sounds_like, unnamed_voice
from callscribe.insights.records import DueDate, Insight, MessageAnalysis, MessageInput, Person

WINDOW = 3
"""An answer comes within this many messages of its request."""

_ACCEPTANCE = re.compile(
    r"^\W*(?:sure|yes|yeah|yep|yup|okay|ok|alright|all right|of course|absolutely|definitely|"
    r"certainly|no problem|no worries|will do|can do|got it|on it|sounds good|happy to|"
    r"consider it done|i'd be happy|we(?:'ll| will) do)\b",
    re.IGNORECASE,
)
_FIRST_PERSON_COMMIT = re.compile(
    r"\b(?:i(?:'ll| will| can| shall| am going to|'m going to|'m gonna)|let me)\b(?!'t)",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"^\W*no\b(?!,?\s+(?:problem|worries)\b)|\b(?:can't|cannot|can not|won't|will not|"
    r"unable|not able|no time)\b",
    re.IGNORECASE,
)
_PROPOSAL = re.compile(
    r"\b(?:let's|let us|we (?:should|need to|have to|must|could|can|will|'ll)|we'll|"
    r"(?:someone|somebody) (?:should|needs to|has to|must|will|can)|shall we)\b",
    re.IGNORECASE,
)
_ASKS = re.compile(
    r"\?\s*$|\b(?:please|(?:can|could|would|will) you|would you mind)\b", re.IGNORECASE
)
# More than the answer: "Also, I'll…", "I will also…".
_ALSO = re.compile(
    r"^\W*(?:[\w']+\W+){0,3}?(?:also|besides|plus|additionally|separately|on top of that|"
    r"another thing)\b",
    re.IGNORECASE,
)
# Taking a proposal on in so many words: "I can do that", "I'll take care of it".
_BARE_TAKE = re.compile(
    r"\bi(?:'ll| will| can)\s+(?:do|handle|take care of|set up|sort out|own|take)\s+"
    r"(?:that|it|this)\b",
    re.IGNORECASE,
)
# A verb whose object points back at what was asked: "I'll do it right after this meeting".
_REFERS_BACK = re.compile(
    r"\b(?:do|handle|send|have|get|take care of|set|sort|finish|book|schedule|email|call|"
    r"ping|look into|take|draft|write|prepare|fix|update|check)(?: \w+)? (?:it|that|this|them|"
    r"those)\b",
    re.IGNORECASE,
)
# "Should we invite…?", "Marcus, can we move…?", "Do you want me to draft it?"; ``rest`` is
# what would be done.
_PROPOSAL_QUESTION = re.compile(
    r"^\W*(?:[\w'-]+,\s+)*(?:(?:so|and|then|okay|ok|also|well|maybe),?\s+)*"
    r"(?:(?:should|shall|can|could) we|why don't we|how about we|do we want to"
    r"|(?:should|shall) i|(?:do you )?want me to)\s+(?P<rest>[a-z][^?]*?)\W*$",
    re.IGNORECASE,
)
# What is no work to do after the meeting, put as a proposal: "Should we be worried?",
# "Can we take a break?", "Should I say something?", "Can we afford it?"
_NO_WORK = re.compile(
    r"^(?:be|know|think|feel|expect|assume|worry|care|believe|trust|agree|afford|manage|live|"
    r"wait|say|mention|ask|add|hear|see|keep going|continue|stop|start|begin|go on|move on|"
    r"wrap up|take a (?:break|look)|break|get started|talk about|discuss|leave|"
    r"go(?: (?:over|through|back|around|home))?\W*$|do (?:better|anything|something|without))\b",
    re.IGNORECASE,
)
# Agreeing to a proposal: "Yes, let us include her.", "Good idea.", "Sure, that works."
_AGREES = re.compile(
    r"^\W*(?:(?:oh|well|great|perfect|okay|ok),?\s+)?(?:sure|yes|yeah|yep|yup|okay|ok|"
    r"alright|all right|of course|absolutely|definitely|certainly|please|go ahead|"
    r"good (?:idea|call|point|thinking)|great idea|agreed|let's|let us|"
    r"sounds (?:good|great|like a plan)|that works|works for me|fine by me|why not)\b",
    re.IGNORECASE,
)
_QUALIFIED = re.compile(r"\b(?:but|however|though|although|unless)\b", re.IGNORECASE)
_ANAPHOR = re.compile(r"\b(?:it|that|this|those|them|these|one)\b", re.IGNORECASE)
_SPLICE = re.compile(r",\s+(?=(?:i|you|he|she|we|they|it|that|this)\b)", re.IGNORECASE)
_PERSON_POINTER = re.compile(r"\b(?:her|him)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'-]*")
_FUNCTION = wordset(
    "a an the and or but so to of for with from by at in on into about as than then that this "
    "these those it its they them their there here i i'll i'm i'd me my we we'll our us you "
    "your he she him her his will would shall should can could may might must do does did done "
    "be been is are was were am have has had get got make let let's please also just still "
    "really sure yes yeah okay ok no not up out over off all any some next last today tomorrow "
    "tonight morning afternoon evening week weeks month end monday tuesday wednesday thursday "
    "friday saturday sunday eod cob asap soon later time set handle take care sort"
)


@dataclass(frozen=True, slots=True)
class Request:
    """A task asked of someone or proposed to the room, waiting for its answer."""

    message: int
    """Position of its message in the conversation (analyses are indexed the same way)."""
    insight: Insight
    open_to_anyone: bool
    asks: bool = False
    """Put to its owner as a request ("can you…?", "please…"), not stated ("Priya will…")."""
    proposed_by_question: bool = False
    """A question proposing work ("Should we…?"): taken on by agreement, in its words."""


def requests_in(position: int, message: MessageInput, analysis: MessageAnalysis) -> list[Request]:
    """The requests a message makes."""
    out: list[Request] = []
    for insight in analysis.insights:
        if insight.type == "question":
            if _proposes_work(insight.text):
                out.append(Request(position, insight, True, asks=True, proposed_by_question=True))
            continue
        if insight.assignee is None:
            continue
        asked = not _same(insight.assignee, message.speaker)
        proposed = not asked and bool(_PROPOSAL.search(insight.text))
        if asked or proposed:
            asks = asked and bool(_ASKS.search(insight.text))
            out.append(Request(position, insight, open_to_anyone=proposed, asks=asks))
    return out


def _proposes_work(question: str) -> bool:
    found = _PROPOSAL_QUESTION.match(question)
    if found is None or CHATTER.search(question):
        return False
    rest = found["rest"]
    as_said = f"let's {rest}"
    return not (_NO_WORK.match(rest) or MEETING_PROCESS.search(as_said) or DECISION.search(as_said))


@dataclass(frozen=True, slots=True)
class Accepted:
    """An answer took a request on: the request's insight as it is now (``None``: it stays as
    it was — a proposal put as a question stays a question, the task is in ``answer``), and
    the answer."""

    request: Request
    updated: Insight | None
    answer: MessageAnalysis


DueOf = Callable[[str], DueDate | None]


def accept(
    position: int,
    message: MessageInput,
    analysis: MessageAnalysis,
    requests: Sequence[Request],
    due_of: DueOf = lambda _text: None,
    *,
    members: Sequence[Person] = (),
) -> Accepted | None:
    """Whether the message at ``position`` answers one of ``requests`` (the latest it can).
    ``members``: the conversation's, so far (a name none of them has is a misheard one).
    ``due_of`` finds a deadline in text ("you'll have it on Wednesday" is no task of its own,
    but says when)."""
    text = message.text.strip()
    if _REFUSAL.search(text):
        return None
    commits = bool(_FIRST_PERSON_COMMIT.search(text))
    agrees = bool(_ACCEPTANCE.match(text))
    tasks = [i for i in analysis.insights if i.type != "question"]
    for request in reversed(requests):
        if position - request.message > WINDOW or request.message >= position:
            continue
        if request.proposed_by_question:
            # the agreement is the next thing said: "Should we get started?" — "Yes, let's."
            # agrees to starting, not to a proposal two messages back
            adjacent = position == request.message + 1
            agreed = _agreed(request, message, analysis, due_of) if adjacent else None
            if agreed is not None:
                return Accepted(request, None, replace(analysis, insights=agreed))
            continue
        # a promise of something else is not an answer ("Priya will prepare the plan." —
        # "I'll follow up with their CTO on Monday.")
        wanted = _content(request.insight.text)
        on_it = any(_about(t, wanted) for t in [i.text for i in tasks] or [text])
        if request.open_to_anyone:
            volunteers = bool(tasks) or bool(_BARE_TAKE.search(text))  # not "let me pull up…"
            by_other = not _same(request.insight.speaker, message.speaker)
            answered = by_other and commits and (on_it or volunteers)
        else:
            takes = agrees or (commits and (on_it or request.asks))
            answered = _asked_of(request, message.speaker, members) and takes
        if answered:
            return _merge(request, message, analysis, due_of)
    return None


def _agreed(
    request: Request, message: MessageInput, analysis: MessageAnalysis, due_of: DueOf
) -> tuple[Insight, ...] | None:
    """The answer's insights when it agrees to a proposal put as a question, its own tasks
    that only point back ("Yes, let us include her.") made the one task in the proposal's
    words; ``None`` when it does not agree, or says the task itself."""
    question = request.insight
    text = message.text.strip()
    if _same(question.speaker, message.speaker) or not _AGREES.match(text):
        return None
    if _QUALIFIED.search(text):
        return None
    tasks = [i for i in analysis.insights if i.type != "question"]
    wanted = _content(question.text)
    if not all(_points_back(t.text, wanted) for t in tasks):
        return None
    owner = next((t.assignee for t in tasks if t.assignee is not None), None)
    due = next((t.due_by for t in tasks if t.due_by is not None), None)
    follow_up = bool(FOLLOW_UP.search(question.text)) or any(t.type == "follow_up" for t in tasks)
    agreement = " ".join(t.text for t in tasks) or split_sentences(text)[0].text
    task = replace(
        question,
        type="follow_up" if follow_up else "action_item",
        text=f"{question.text} {agreement}",
        message_id=message.id,
        score=max((t.score for t in tasks), default=question.score),
        assignee=owner or question.speaker,
        due_by=due or due_of(text) or due_of(question.text),
        definitive=True,
        confirmed_in=(question.message_id,),
    )
    return (*(i for i in analysis.insights if i.type == "question"), task)


def _merge(
    request: Request, message: MessageInput, analysis: MessageAnalysis, due_of: DueOf
) -> Accepted:
    wanted = _content(request.insight.text)
    # The reply to a request or a proposal is about it, unless it says it is more ("Also, …");
    # a reply to a statement ("Priya will…") only where it restates it.
    replying = request.asks or request.open_to_anyone
    same: list[Insight] = []
    kept: list[Insight] = []
    for insight in analysis.insights:
        if insight.type == "question":
            kept.append(insight)
        elif (replying and not _ALSO.match(insight.text)) or _about(insight.text, wanted):
            same.append(insight)
        else:
            kept.append(insight)
    due = next((i.due_by for i in same if i.due_by is not None), None) or due_of(message.text)
    asked = request.insight
    # Either side saying it is a follow-up ("keep her in the loop" — "I'll email her") makes
    # the one task a follow-up: the answer often names the call or e-mail the request did not.
    follow_up = any(i.type == "follow_up" for i in (asked, *same))
    # the one who answered owns it, unless a voice without a name answered for the one named
    # (a misheard name is the answerer's own: "Alina" becomes Elena)
    named = not request.open_to_anyone and _stands_in(message.speaker, asked.assignee)
    updated = replace(
        asked,
        type="follow_up" if follow_up else asked.type,
        assignee=asked.assignee if named else message.speaker,
        due_by=due or asked.due_by,
        definitive=True,
        confirmed_in=(*asked.confirmed_in, message.id),
    )
    return Accepted(request, updated, replace(analysis, insights=tuple(kept)))


def _about(text: str, request_words: frozenset[str]) -> bool:
    """Whether an answer's task sentence restates the request: a shared content word, a verb
    whose object points back at it ("I'll do it after this meeting"), or a short sentence that
    refers to it ("I can do that", "I'll email them this afternoon")."""
    words = _content(text)
    if words & request_words or _REFERS_BACK.search(text):
        return True
    short = len(_WORD.findall(text.lower())) <= 7
    return short and (bool(_ANAPHOR.search(text)) or not words)


def _points_back(text: str, request_words: frozenset[str]) -> bool:
    """Whether an answer's task sentence says nothing of its own: a few words that point back
    ("Yes, let us include her.") or only repeat the request's ("Yes, please join."); what
    follows a comma and a new subject is a remark of its own ("Yes, let us include her, she
    asked about the invoices last time.")."""
    text = _SPLICE.split(text, maxsplit=1)[0]
    short = len(_WORD.findall(text.lower())) <= 7
    pointer = _ANAPHOR.search(text) or _PERSON_POINTER.search(text)
    return short and (bool(pointer) or _content(text) <= request_words)


def _content(text: str) -> frozenset[str]:
    return frozenset(
        w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _FUNCTION and len(w) > 2
    )


def _asked_of(request: Request, speaker: Person, members: Sequence[Person]) -> bool:
    """Whether ``speaker`` is the one ``request`` was made of: that person, or a voice
    without a name (a dial-in's "Speaker 2", not the asker's) answering a request that names
    someone — nothing says the voice is not theirs, and the one named is who answers — or
    the member whose name the recogniser misheard."""
    asked = request.insight
    if _same(asked.assignee, speaker):
        return True
    if _same(asked.speaker, speaker):
        return False
    return _stands_in(speaker, asked.assignee) or _misheard(asked.assignee, speaker, members)


def _misheard(assignee: Person | None, speaker: Person, members: Sequence[Person]) -> bool:
    """The name the request addressed is no member's but sounds like the speaker's ("Then,
    Alina, could you…?" — Elena answers; she had not spoken yet, so no member took the name
    when it was said)."""
    if assignee is None or unnamed_voice(speaker.name) or unnamed_voice(assignee.name):
        return False
    name = first_name(assignee.name)
    if any(first_name(m.name) == name for m in members):
        return False
    return sounds_like(name, first_name(speaker.name))


def _stands_in(speaker: Person, assignee: Person | None) -> bool:
    """``speaker`` is a voice without a name and ``assignee`` a named person."""
    return assignee is not None and unnamed_voice(speaker.name) and not unnamed_voice(assignee.name)


def _same(a: Person | None, b: Person | None) -> bool:
    if a is None or b is None:
        return False
    if a.user_id and b.user_id:
        return a.user_id.lower() == b.user_id.lower()
    first = [first_name(p.name) for p in (a, b)]
    return bool(first[0]) and first[0] == first[1]


__all__ = ["WINDOW", "Accepted", "Request", "accept", "requests_in"]
