"""Rule features of one sentence: does it look like a question, a task, a follow-up, chatter?

The rules are tuned for recall; the classifier (``classifier.py``) decides among the
candidates they let through. Works on a spaCy span but leans on word patterns, because the
parse of lower-case, unpunctuated speech is unreliable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from callscribe.insights import cues
from callscribe.insights.cues import wordset
from callscribe.insights.names import closest

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=\S)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SUBJECTS = wordset(
    "i you he she it we they there y'all this that these those anyone anybody everyone everybody "
    "someone somebody the a an our your my their his her its any all"
)

_LEADING_VOCATIVE = re.compile(r"^\W*[A-Z][a-z]+,")
_ADDRESSING = frozenset({"can you", "could you", "would you", "will you", "what do", "do you"})

FEATURE_NAMES = (
    "q_mark",
    "q_start",
    "q_embedded",
    "chatter",
    "commit",
    "request",
    "named_subject",
    "imperative",
    "follow_up",
    "hedge",
    "past",
    "negated",
    "short",
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a message and where it starts in the message text."""

    text: str
    begin: int


@dataclass(frozen=True, slots=True)
class Cues:
    """Rule features of a sentence; ``vector`` feeds the classifier beside the embedding."""

    q_mark: bool
    q_start: bool
    q_embedded: bool
    chatter: bool
    commit: bool
    request: bool
    named_subject: bool
    imperative: bool
    follow_up: bool
    hedge: bool
    past: bool
    negated: bool
    short: bool
    group_question: bool = False
    """Asks rather than assigns: an inverted question about us, oneself or the situation
    ("Do we want to…?", "Should I join…?", "Is there anything else…"), with or without "?",
    or a wh-question ("How much can we offer?")."""
    inverted: bool = False
    """Opens with an auxiliary and its subject ("did anyone…", "can you…")."""
    strong_task: bool = False
    """A definite promise of one's own ("I will send…") or a member asked by name."""
    bare: bool = False
    """Takes something on without saying what ("Will do."): a reply, not a task."""
    settled: bool = False
    """Decides or weighs rather than assigns: a decision ("Let's use…"), an option on a
    condition ("If…, we can…"), a question to the room ("Anything else…"), the meeting's own
    course ("Let's move on", "Talk soon")."""
    tagged: bool = False
    """A statement with a question tag ("…, doesn't it?", "…, right?")."""
    asked: bool = False
    """A question put in so many words ("I was wondering whether…", "I'd like to know…")."""
    idle: bool = False
    """Habit or state of mind, not work taken on ("sometimes I will watch…", "I can see the
    concerns", "I have to laugh")."""
    reported: bool = False
    """Retells what someone said ("and he goes, do you want to dance"): neither a question
    nor a task of this conversation."""
    backchannel: bool = False
    """Question-shaped but asking nothing a summary lists: a backchannel ("Really?", "Oh, you
    did?") or a rhetorical question ("Who knows?")."""

    @property
    def question_candidate(self) -> bool:
        """Question-shaped and not chatter: only these can become questions. Two words are
        mostly too few to list on their own ("Tuesday?", "Right?", the recogniser's "What
        did?" for "Will do."): without the turn before they say nothing in a summary (see
        ``_short`` for the wh-questions that still count, "How much?")."""
        shaped = self.q_mark or self.q_start or self.q_embedded or self.tagged or self.asked
        vetoed = self.chatter or self.backchannel or self.reported or self.short
        return shaped and not vetoed

    @property
    def clear_question(self) -> bool:
        """A question whatever the classifier says: anything with a question mark that is not
        a backchannel (people ask in statement form: "You got kids?"), interrogative form
        without one ("Is there anything else we should discuss."), tagged ("…, didn't she"),
        or asked in so many words ("I was wondering whether…"). Only a question embedded in a
        statement without a question mark ("do you know…") is left to the classifier."""
        sure = self.q_mark or self.q_start or self.tagged or self.asked
        return self.question_candidate and sure

    @property
    def task_candidate(self) -> bool:
        """Commitment, request, named assignment or imperative; not chatter, not a question
        put to the room."""
        shaped = self.commit or self.request or self.named_subject or self.imperative
        vetoed = (
            self.chatter
            or self.negated
            or self.group_question
            or self.bare
            or self.settled
            or self.reported
            or self.idle
            or self.backchannel  # "Oh, you will?" takes nothing on
        )
        return shaped and not vetoed

    @property
    def vector(self) -> list[float]:
        """The features as 0/1 floats in ``FEATURE_NAMES`` order."""
        return [float(getattr(self, name)) for name in FEATURE_NAMES]


def split_sentences(text: str) -> list[Sentence]:
    """Split on sentence-final punctuation (the recogniser punctuates; spaCy's splitter
    fails on unpunctuated speech, where the whole message is one sentence)."""
    out: list[Sentence] = []
    pos = 0
    for piece in _SENTENCE_END.split(text):
        begin = text.find(piece, pos)
        stripped = piece.strip()
        if stripped:
            out.append(Sentence(stripped, begin + (len(piece) - len(piece.lstrip()))))
        pos = begin + len(piece)
    return out


_MODAL = (
    r"(?:'ll|'re going to|'m going to|\s+(?:will|would|can|could|should|shall|must|"
    r"need to|needs to|have to|has to|are going to|is going to|am going to))\b"
)
_SUBJECT = r"(?:[A-Z][a-z]+,\s+)?(?:(?i:i|you|we|he|she|they)|[A-Z][a-z]+)"
# ", and Marcus, you will…"; the recogniser may drop the first comma ("…overview and Marcus,
# you will…"), which is safe to split only before a name addressed by a comma.
_CLAUSE_BREAK = re.compile(
    r",\s+(?:and|but|so)\s+(?=" + _SUBJECT + _MODAL + ")"
    r"|\s+(?:and|but|so)\s+(?=[A-Z][a-z]+,\s+(?i:you)" + _MODAL + ")"
)
_COMMITS = re.compile(_SUBJECT + _MODAL)


def split_clauses(sentence: Sentence) -> list[Sentence]:
    """One sentence that gives two people two tasks ("I will present the overview, and Marcus,
    you will cover the revenue numbers.") as two clauses, each with its own subject and a full
    stop of its own (it takes the place of the comma); any other sentence as it is."""
    pieces: list[Sentence] = []
    begin = 0
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        head = sentence.text[begin : match.start()]
        if not _COMMITS.search(head):
            continue
        pieces.append(Sentence(head.rstrip(" ,") + ".", sentence.begin + begin))  # "," -> "."
        begin = match.end()
    if not pieces:
        return [sentence]
    return [*pieces, Sentence(sentence.text[begin:], sentence.begin + begin)]


def first_words(text: str, members: frozenset[str]) -> list[str]:
    """Lower-case words after leading discourse markers and a leading vocative name."""
    words = [w.lower() for w in _WORD.findall(text)]
    i = 1 if _LEADING_VOCATIVE.match(text) else 0
    while i < len(words):
        if " ".join(words[i : i + 2]) in _TWO_WORD_MARKERS and i + 2 < len(words):
            i += 2  # "I mean, is it…", "you know, how do you…"
            continue
        ahead = " ".join(words[i + 1 : i + 3])
        addressed = ahead in _ADDRESSING or ahead.startswith("please")
        # a name before "can you…", never a pronoun ("I mean you could, you could do…")
        vocative = words[i] in members or (addressed and words[i] not in _PRONOUNS)
        if not (words[i] in cues.DISCOURSE or vocative or _partial(words[i])):
            break
        i += 1
    rest = _fluent(words[i:])
    if rest and rest[0] not in cues.AUX_START:  # "isn't" stays whole
        rest[0] = rest[0].split("'")[0]
    return rest


_FILLERS = wordset("uh um uhm er erm hmm")
# Said before a question as "so" or "well" are: "I mean, is it something of interest?"
_TWO_WORD_MARKERS = frozenset({"i mean", "you know", "i guess"})


def _partial(word: str) -> bool:
    """A word broken off and said again ("w- what does…", "can th- can we…")."""
    return len(word) > 1 and word.endswith("-")


def _disfluent(word: str) -> bool:
    """A filler or a broken-off word (lower case): read past, as if not said."""
    return word in _FILLERS or _partial(word)


def _fluent(words: list[str]) -> list[str]:
    """The words without fillers, broken-off words and stutters ("are, are you…", "what, uh,
    what kind…", "can w- can we…"), so that a question's opening reads the same with or
    without the recogniser's commas."""
    out: list[str] = []
    for word in words:
        if _disfluent(word) or (out and out[-1] == word):
            continue
        out.append(word)
    return out


def _tokens(span: Any) -> list[Any]:
    """The span's word tokens without punctuation, fillers, broken-off words and stutters."""
    out: list[Any] = []
    for token in span:
        if token.is_punct or _disfluent(token.lower_):
            continue
        if out and out[-1].lower_ == token.lower_:
            continue
        out.append(token)
    return out


def extract(span: Any, members: frozenset[str]) -> Cues:
    """Rule features of a sentence (a spaCy ``Doc`` or ``Span``); ``members`` are lower-case
    first names of the conversation's members (vocatives and named subjects)."""
    text: str = span.text
    words = first_words(text, members)
    q_mark = text.rstrip().endswith("?")
    asking = words
    form = _asks(span, asking, members, q_mark)
    # "By the way, did…", "One more question, who…"; not a subject set off by commas ("The
    # second customer, Moreflying, is unhappy")
    lead = None if _SUBJECT_START.match(text) else _LEADING_PHRASE.match(text)
    if not form and lead is not None:
        asking = first_words(text[lead.end() :], members)
        form = _asks(span, asking, members, q_mark, after_lead=True)
        # after a comma, with no "?", a wh-word opens a relative clause ("Around two minutes,
        # which is far too long."), and so does an auxiliary after a wh-clause ("what
        # frightens me, is that…")
        leads_with_wh = any(
            w.lower().split("'")[0] in cues.WH_WORDS for w in _WORD.findall(lead.group())
        )
        if not q_mark and (form == "wh" or leads_with_wh):
            form = ""
    subject = asking[1] if form == "inverted" and len(asking) > 1 else ""
    vocative = cues.VOCATIVE_REQUEST.match(text)
    hedge = bool(cues.HEDGE.search(text))
    return Cues(
        q_mark=q_mark,
        q_start=bool(form),
        q_embedded=bool(cues.EMBEDDED_QUESTION.search(text) or cues.LEADING_ANY.search(text)),
        chatter=bool(cues.CHATTER.search(text)),
        commit=bool(cues.COMMIT.search(text)),
        request=bool(cues.REQUEST.search(text)),
        named_subject=_named_subject(span, members),
        imperative=_imperative(span, words),
        follow_up=bool(cues.FOLLOW_UP.search(text)),
        hedge=hedge,
        past=bool(cues.PAST_REPORT.search(text)),
        negated=bool(cues.NEGATED_TASK.search(text)),
        short=_short(text, words, q_mark),
        group_question=subject in _ASKING_SUBJECTS or (form == "wh" and q_mark),
        inverted=form == "inverted",
        bare=bool(cues.BARE_ACCEPTANCE.match(text)),
        settled=bool(
            cues.DECISION.search(text)
            or cues.MEETING_PROCESS.search(text)
            or cues.CONDITIONAL_OPTION.match(text)
            or cues.LEADING_ANY.search(text)
            or cues.ASKED.search(text)
        ),
        tagged=bool(cues.TAG_QUESTION.search(text) or cues.TAG_ENDING.search(text)),
        reported=bool(cues.REPORTED.search(text)),
        idle=bool(cues.HABITUAL.search(text) or cues.IDLE_MODAL.search(text)),
        backchannel=bool(
            (q_mark and (cues.BACKCHANNEL_QUESTION.match(text) or cues.ECHO_WHAT.match(text)))
            or cues.RHETORICAL.match(text)
            or cues.SURPRISE.match(text)
        ),
        asked=bool(cues.ASKED.search(text)),
        strong_task=not hedge
        and (
            bool(cues.FIRST_PERSON_PROMISE.match(text))
            or (vocative is not None and closest(vocative.group("name"), members) is not None)
        ),
    )


def _short(text: str, words: list[str], q_mark: bool) -> bool:
    """Too short to ask anything a summary can list ("Right?", "Friday?", the recogniser's
    "What did?" for "Will do."); but a wh-word and what it asks about is a question ("How
    much?", "Which basketball?", "Whereabouts?"), and so is "Anything else?" to the room."""
    raw = [w.lower() for w in _WORD.findall(text)]
    if len(raw) >= 3:
        return False
    if not q_mark:
        return True
    if cues.LEADING_ANY.search(text) or words == ["whereabouts"]:
        return False
    # "What's that?", "What did?" stay short: a contraction or an auxiliary asks nothing
    asks_about = raw == words and len(raw) == 2 and raw[0] in cues.WH_WORDS
    return not (asks_about and raw[1] not in cues.AUX_START and "'" not in raw[1])


_SUBJECT_START = re.compile(
    r"^\W*(?:the|a|an|our|their|your|his|her|its|this|that|these|those|my)\s", re.IGNORECASE
)
# Up to two short phrases before the question proper: "Morning, everyone, is Raj joining…"
_LEADING_PHRASE = re.compile(r"^\W*(?:(?:[\w'-]+\s+){0,3}[\w'-]+,\s+){1,2}")


# Subjects of an inverted question that asks rather than assigns: "Should we…", "Should I…",
# "Is there…", "Did anyone…" (not "Can you…", a request).
_ASKING_SUBJECTS = wordset("we i there anyone anybody everyone everybody it this that they")


def _asks(
    span: Any, words: list[str], members: frozenset[str], q_mark: bool, *, after_lead: bool = False
) -> str:
    """How the words open a question: ``"wh"`` (a wh-word, but not an exclamation: "What a
    finish."), ``"inverted"`` (an auxiliary and its subject: "did anyone…", "is the page…"),
    or ``""``. ``after_lead``: the words follow a leading phrase ("Morning, everyone, is…")."""
    head = words[0] if words else ""
    second = words[1] if len(words) > 1 else ""
    if head in cues.WH_WORDS:
        if q_mark:
            return "wh" if second not in {"a", "an"} else ""
        return "wh" if _wh_question(span, head) else ""
    if head not in cues.AUX_START:
        return ""
    if second in cues.AUX_START and len(words) > 2 and words[2] in _PRONOUNS:
        head, second = second, words[2]  # a restart: "are, have you been…"
    if q_mark:
        subject = second in _SUBJECTS or second in members or _subject_follows(span, head)
        return "inverted" if subject else ""
    # Without a question mark speech is full of fragments that open with a verb ("was a
    # Taurus", "so do I"): only an auxiliary before a pronoun or a definite subject asks.
    if after_lead:
        # mid-sentence, only a person asks ("Morning, everyone, is Mike joining…"); not "my
        # little dog is, is my friend" nor "we've never really, uh, did any diving"
        person = second in _PRONOUNS or second in members or _after(span, head) == "PROPN"
        return "inverted" if person else ""
    personal = second in _PERSONAL or second in members or _after(span, head) == "PROPN"
    # "did"/"does" open a statement only as emphasis after a subject: before any noun they ask
    if personal or (head in {"do", "does", "did"} and _subject_follows(span, head)):
        return "" if cues.ELLIPTIC_AGREEMENT.match(span.text) else "inverted"
    return ""


_PRONOUNS = wordset("i you he she it we they there y'all")
_PERSONAL = wordset(
    "i you he she it we they there y'all this that anyone anybody everyone everybody "
    "the your our my his her their these those any all"
)
# After "how", words that make a question of it with no auxiliary ("how many", "how come").
_HOW = wordset("many much long often far old big soon come about else")
# After "what", words that make a question of it with no auxiliary ("what kind of…").
_WHAT = wordset("about if else kind kinds type types sort sorts time age part year day size")
_OBJECTS = wordset("me you him her us them y'all")
_CONTRACTED_AUX = frozenset({"'s", "'re", "'d", "'ll", "'m", "'ve"})


def _wh_question(span: Any, head: str) -> bool:
    """Whether a wh-word with no question mark opens a question rather than a clause
    ("when we came back…", "which is similar…", "what we do is…"): it must be followed by an
    auxiliary ("what do you…", "where's…"), or be "how many/much/come…" or "what about/if",
    or ask about a thing ("which car did they buy"); "which" with no noun after it, without
    "?", continues the sentence before."""
    tokens = _tokens(span)
    for i, token in enumerate(tokens[:-1]):
        if token.lower_ != head:
            continue
        if head == "which":
            return _asks_about_a_thing(tokens[i + 1 : i + 5])
        after = tokens[i + 1].lower_
        if head == "how" and (after in _HOW or _asks_how(tokens[i + 1 : i + 4])):
            return True  # "how many…", "how fast do they…", "how well does the system…"
        if _asks_about_a_thing(tokens[i + 1 : i + 5]):
            return True  # "what branch were you in", "where else have you been"
        if head == "what" and after in _WHAT:
            return True
        beyond = tokens[i + 2].lower_ if i + 2 < len(tokens) else ""
        if head == "who" and tokens[i + 1].tag_ in {"VBD", "VBZ"} and beyond in {"to", ""}:
            return True  # "who wants to start this one", "who called"
        if head == "what" and tokens[i + 1].tag_ == "VBD" and beyond in _OBJECTS:
            return True  # "what made you decide…" (not "what bothers me is…")
        if head == "what" and after in {"'s", "is"} and i + 2 < len(tokens):
            # a clause as subject, not a question: "what's even worse is…", "what's funny
            # is…", "what's happening is people are losing…"
            closed = any(t.lower_ in {"is", "was"} for t in tokens[i + 3 : i + 6])
            return not closed and tokens[i + 2].pos_ not in {"ADJ", "ADV"}
        return after in cues.AUX_START or after in _CONTRACTED_AUX
    return False


def _asks_about_a_thing(after: list[Any]) -> bool:
    """After a wh-word, a noun or two (or "else") and then an auxiliary with a person as its
    subject: "what movies do you like", "which car did they buy", "where else have you been",
    "what practical steps could one take". A relative clause has no auxiliary before its
    subject ("what time we left")."""
    for k, token in enumerate(after[:3]):
        if token.lower_ in cues.AUX_START or token.lower_ in _CONTRACTED_AUX:
            following = after[k + 1].lower_ if k + 1 < len(after) else ""
            return k > 0 and (following in _PRONOUNS or following == "one")
        if token.pos_ not in {"NOUN", "PROPN", "ADJ"} and token.lower_ != "else":
            return False
    return False


def _asks_how(after: list[Any]) -> bool:
    """After "how", a manner or degree and an auxiliary before its subject: "how fast do
    they…", "how well does the system…", "how bad is it" (not "how fast it goes")."""
    if len(after) < 3 or after[0].pos_ not in {"ADV", "ADJ"}:
        return False
    aux, subject = after[1], after[2]
    is_aux = aux.lower_ in cues.AUX_START or aux.lower_ in _CONTRACTED_AUX
    return is_aux and (subject.lower_ in _PRONOUNS or subject.pos_ in {"DET", "PROPN"})


def _subject_follows(span: Any, head: str) -> bool:
    """Whether the word after the leading auxiliary can start a subject ("did legal…",
    "is the page…"), as opposed to a verb ("will do")."""
    return _after(span, head) in {"PRON", "NOUN", "PROPN", "DET", "ADJ", "NUM"}


def _after(span: Any, head: str) -> str:
    """The part of speech of the word after the first ``head`` in the span ("" if none)."""
    stem = head.split("'")[0]
    if head.endswith("n't"):
        stem = stem[:-1]  # spaCy splits "isn't" into "is" + "n't", "can't" into "ca" + "n't"
    tokens = [t for t in _tokens(span) if t.lower_ != "n't"]
    for i, token in enumerate(tokens[:-1]):
        if token.lower_.split("'")[0] == stem:
            return str(tokens[i + 1].pos_)
    return ""


def _named_subject(span: Any, members: frozenset[str]) -> bool:
    base = span[0].idx if len(span) else 0
    for m in cues.SUBJECT_MODAL.finditer(span.text):
        name = m.group("name").lower()
        if name in members:
            return True
        for token in span:
            if token.idx - base == m.start("name") and (
                token.ent_type_ == "PERSON" or token.pos_ == "PROPN"
            ):
                return True
    return False


def _imperative(span: Any, words: list[str]) -> bool:
    if not words:
        return False
    if words[0] in cues.IMPERATIVE_VERBS:
        return True
    for token in span:
        if token.dep_ == "ROOT":
            no_subject = not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in token.children)
            return bool(token.tag_ == "VB" and no_subject and token.lower_ == words[0])
    return False


__all__ = [
    "FEATURE_NAMES",
    "Cues",
    "Sentence",
    "extract",
    "first_words",
    "split_clauses",
    "split_sentences",
]
