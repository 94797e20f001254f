"""Word lists and patterns of spoken meeting language, compiled once.

These are the high-recall rules of the rule ∧ classifier design: a sentence can only become a
question or an action item if a cue here fires, and meeting chatter ("can you hear me?",
"let me share my screen") is vetoed outright. Patterns work on lower-case, unpunctuated text.
"""

from __future__ import annotations

import re


def wordset(words: str) -> frozenset[str]:
    """A set of the space-separated words in ``words`` (keeps long lists readable)."""
    return frozenset(words.split())


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# Leading words skipped before deciding how a sentence starts.
DISCOURSE = wordset(
    "so and or okay ok um uh uhm er well alright all right hey hi actually also but oh "
    "yeah yes no sorry anyway now then just quickly quick question hmm like wait"
)
WH_WORDS = wordset("what when where who whom whose why which how")
AUX_START = wordset(
    "do does did is are was were can could would will should shall have has had may might "
    "am isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't couldn't "
    "shouldn't haven't hasn't"
)

LEADING_ANY = re.compile(
    r"^\W*(?:(?:so|and|okay|ok|um|uh|also|guys|everyone),? )*(?:any (?:ideas?|thoughts|"
    r"questions|updates?|news|objections|concerns|feedback|other business)|anything else)\b",
    re.IGNORECASE,
)
EMBEDDED_QUESTION = _words(
    r"i(?:'m| am| was) wondering (?:if|whether|what|when|how|why|who)",
    r"i wonder (?:if|whether|what|when|how|why|who)",
    r"i(?:'m| am) curious (?:if|whether|what|when|how|why|who)",
    r"do you (?:know|remember|think)",
    r"thoughts on",
    r"i'?d like to know",
    r"(?:can|could) you (?:tell|remind) (?:me|us) (?:what|when|how|why|who|where|if|whether)",
)
# The part of those that asks in so many words, whatever the punctuation.
ASKED = _words(
    r"i(?:'m| am| was) wondering (?:if|whether|what|when|how|why|who)",
    # "I was just wondering, were you in SAC…", "I wonder, have you ever been…"
    r"i(?:'m| am| was)? (?:just )?wonder(?:ing)?,? (?:are|were|have|had|did|do|would|could|"
    r"is|was) (?:you|y'all|your)",
    # what the listener knows or thinks, asked as a statement: "I don't know if you've heard
    # of it", "I don't know what you think about…", "I sort of wondered what your thoughts…"
    r"i (?:don't|do not) (?:even )?know (?:if|whether) (?:you|y'all)(?:'ve| have|'re| are)? "
    r"(?:ever )?(?:heard|seen|been|read|tried|watched|familiar|got to)",
    r"i (?:don't|do not) (?:even )?know (?:what|how) (?:you|y'all) (?:think|feel) about",
    r"i (?:don't|do not) (?:even )?know (?:who|what) your (?:favorite|opinion|thoughts|view)",
    r"i (?:sort of |kind of |just )?wondered (?:if|whether|what|who|how)"
    r"(?:\W+\w+){0,2}?\W+(?:you|your|y'all)",
    r"do you happen to know",
    r"i'?d like to know",
    r"(?:can|could) you (?:tell|remind) (?:me|us) (?:what|when|how|why|who|where|if|whether)",
)

CHATTER = _words(
    r"(?:can|could|do) (?:you|everyone|everybody|you all|you guys|y'all|all of you|folks)"
    r"(?: all| guys)? (?:still )?(?:hear|see) (?:me|us|my|the|this|that|it)\b"
    r"(?! (?:report|proposal|numbers|data|contract|deck)\b)",
    r"(?:is|are) (?:everyone|everybody|you all|you guys) (?:able to )?(?:see|hear|here|there)",
    r"(?:is|can) (?:my|the) (?:audio|video|mic|microphone|sound|screen)",
    r"is it just me",
    r"(?:are|is) (?:you|everyone|everybody|\w+) (?:still )?(?:on the call|on the line|there|"
    r"here|with us)(?: yet| now| already)?",
    r"(?:you're|you are|i'm|i am|i was|you were) (?:still )?(?:on )?mute[d]?",
    r"(?:you're|you are|i think you're) (?:breaking|cutting) up",
    r"you (?:just )?cut out(?=\W*$| (?:there|for|again|a bit|on me))",
    r"(?:let me|i'll|i will|i'm going to|i am going to|lemme) (?:just )?"
    r"(?:share|stop sharing|unmute|mute)\b"
    # not sharing something with people outside the call, or later: "I'll share a draft with
    # the leadership team on Friday" is work
    r"(?!.*\b(?:with (?!you\b|everyone\b|everybody\b|all of you\b|the (?:group|room)\b)|"
    r"tomorrow|later|after|by|next|on (?:monday|tuesday|wednesday|thursday|friday)\b))",
    r"(?:let me|i'll|i will|i'm going to|i am going to|lemme) (?:just )?"
    r"(?:pull up|bring up|find|grab|open|switch to|present)(?: my| the| this| a)?"
    r" (?:screen|link|slides?|tab|water|coffee|window|doc)\b",
    r"(?:let me|lemme) (?:just )?(?:pull up|bring up|find|grab|open)\b",
    r"let me (?:just|see|think|know|finish|try that again|start over)",
    r"(?:give|gimme) (?:me|us) (?:a|one) (?:second|sec|minute|moment|min)",
    r"(?:hold on|hang on|one sec(?:ond)?|bear with me|just a (?:sec|second|moment|minute))",
    r"we(?:'ll| will| shall) (?:just )?see\b",
    r"we(?:'ll| will) figure (?:it|that) out",
    r"i (?:was|am|'m) (?:just )?(?:going to|gonna|about to) (?:say|mention|ask|add)",
    r"(?:i'll|i will) be (?:right )?back",
    # greetings: "How are you today?", "How's everyone doing?"
    r"how (?:are|r) (?:you|y'all|you guys|you all|everyone|everybody|things)(?: doing)?"
    r"(?: today| this (?:morning|afternoon|evening))?(?=\W*$)",
    r"how's (?:it going|everyone|everybody|your (?:day|morning|week))\b",
    # a speaker looking for words: "how shall I say it"
    r"how (?:shall|should|can|do) i (?:say|put) (?:it|this|that)\b",
    # exclamations in a promise's form: "I'll be darned."
    r"i'?ll be (?:darned|damned|dogged|doggone|switched|hanged)",
    # a parting wish with a tag: "You have a good evening, all right?"
    r"(?:you )?have a (?:good|nice|great|wonderful) (?:day|evening|night|weekend|one|time)",
    r"(?:let's|let us) (?:get started|start|begin|kick off|move on|go to|jump to|wrap up|"
    r"go around|take a look at the|look at the next|dive in|keep going|continue)",
    r"(?:let's|let us) get back to (?:it|work|business|the agenda|the topic)\b",
    # the meeting's own agenda: done in the meeting, not after it
    r"(?:today|now|in this (?:meeting|call)),? (?:we|i)(?: really)? (?:need to|want to|have to|"
    r"'ll|will|are going to|'re going to|should) (?:go over|discuss|talk about|cover|go through)",
    r"(?:can|could) you (?:say|repeat) that(?: again)?",
    # whole replies only: "do you go to museums" is a question
    r"^\W*(?:(?:oh|sorry|no|uh|um|well|okay),?\s+)*(?:you go|go ahead|after you)",
    r"(?:talk|see|speak) (?:to )?you (?:soon|later|next week|tomorrow)",
    r"thanks? (?:you )?(?:for|everyone|all|so much)",
    r"(?:wait|waiting) (?:a minute )?for (?:others|everyone|people) to join",
    r"(?:we'll|we will) (?:talk|get to) (?:about )?(?:that|this) later",
    r"how(?:'s| is| are) (?:everyone|everybody|you all|it going)",
    r"(?:dropped|dropping) off the call",
    r"where was i",
    r"shar(?:e|ing) (?:my|the|your|his|her|their) screens?",
    r"(?:yes,? |yeah,? )?(?:i|we) (?:can|can't|cannot|could) (?:still )?(?:hear|see) "
    r"(?:you|it|that|them|your screen|the screen|everything)\b",
)

HEDGE = _words(
    r"maybe",
    r"might",
    r"probably",
    r"perhaps",
    r"possibly",
    r"i think",
    r"i guess",
    r"i suppose",
    r"i believe",
    r"we could",
    r"could maybe",
    r"not sure",
    r"hopefully",
    r"at some point",
    r"sometime",
    r"some day",
    r"if (?:we|i|you) (?:have|get|find) (?:the )?time",
    r"(?:i'll|i will|we'll|we will) try",
    r"ideally",
    r"kind of",
    r"sort of",
    r"potentially",
)

FOLLOW_UP = _words(
    r"follow(?:ing)?[- ]?ups?",
    r"follow(?:s|ed)? up",
    r"circle back",
    r"sync(?:ed|ing)?(?: up)?",
    r"schedul(?:e|ed|ing)(?: (?:a|an|the|our|some|another|one|that|this))?(?: \w+)?"
    r" (?:call|meeting|sync|demo|session|chat|review|catch-?up|1:1|one-on-one|time|slot|"
    r"interview|workshop|walkthrough|check-?in|retro|standup|stand-up)s?",
    r"let (?:\w+ ){1,3}know",
    r"(?:ask|tell|remind|message|text|notify|inform) (?:[\w'-]+ ){1,3}?"
    r"(?:for|about|to|if|whether|that)",
    r"set(?:ting)? up (?:a |an |some |the )?(?:quick )?"
    r"(?:call|meeting|time|sync|session|chat|review|demo)",
    r"(?:give|giving) (?:\w+ ){1,3}(?:a )?(?:quick )?(?:call|ring)",
    r"call (?:\w+ )?back",
    r"call(?:ing)? (?:the|them|him|her|their|our|you)",
    r"(?:e-?mail|emailing)",
    r"reach(?:ing)? out",
    r"touch(?:ing)? base",
    r"check(?:ing)? in",
    r"get(?:ting)? back to",
    r"meet(?:ing)? (?:again|with|up)",
    r"catch(?:ing)? up with",
    r"ping",
    r"loop(?:ing)? (?:back|in)",
    r"reconnect",
    r"regroup",
    r"(?:calendar |meeting )?invite",
    r"talk to (?:them|him|her|the)",
    r"review (?:meeting|call)",
    r"(?:a |the )?(?:call|meeting) (?:with|for|next|on|to)",
)

COMMIT = re.compile(
    r"\b(?:i|we|i'd|we'd|i've|we've)(?:'ll| will| shall| am going to|'m going to| are going to|"
    r"'re going to| (?:am|'m|are|'re) gonna| gonna| need to| have to| has to| must| should|"
    r"'d better| plan to| can| could| got to| gotta| want to| would like to| 'll need to|"
    r" will need to| also need to| still need to| (?:have|'ve) got to|"
    r" (?:might|may|could|would) (?:want|need|have) to)\b"
    r"|\blet(?:'s| us)\b|\blet me\b|\b(?:i'll|we'll|i'm|we're)\b(?= (?:\w+ )?(?:going|gonna))"
    r"|\b(?:i'll|we'll)\b",
    re.IGNORECASE,
)
REQUEST = re.compile(
    r"\b(?:can|could|would|will) (?:you|we)(?: please| maybe| also| guys)? (?!hear|see\b)\w+"
    r"|\bplease\b|\byou(?:'ll| will)? (?:need to|should|have to|must|got to|gotta)\b"
    r"|\b(?:i|we) (?:need|want|would like|'d like) (?:you|someone|somebody) to\b"
    r"|\bi'd like (?:you|someone) to\b|\bmake sure\b|\b(?:don't|do not) forget\b"
    r"|\bremember to\b"
    r"|\b(?:someone|somebody) (?:should|needs to|has to|must|will|can|could|might)\b"
    r"|\baction items?\b|\bto-?do\b|\bnext steps? (?:is|are|will be)\b"
    r"|\bwould you mind\b|\b(?:team|everyone|everybody) (?:needs|has|must|should)\b"
    r"|^\W*(?:\w+,\s+)?\w+,\s+you(?:'ll| will| are going to|'re going to)\b",
    re.IGNORECASE,
)
SUBJECT_MODAL = re.compile(
    r"\b(?P<name>[a-z][a-z'-]+) (?:will|'ll|is going to|is gonna|needs to|has to|must|"
    r"should|can|is to|is taking|is handling|will be)\b",
    re.IGNORECASE,
)
IMPERATIVE_VERBS = wordset(
    "send schedule set book email e-mail call share update review prepare draft write put add "
    "create check follow reach ping loop get make take finish fix circle sync forward find "
    "look confirm remind invite move submit file order reply respond compile pull run test "
    "deploy publish clean organize arrange coordinate contact ask tell talk upload renew "
    "cancel rotate approve finalize sign document archive block reserve escalate notify"
)
NEGATED_TASK = _words(
    r"(?:i|we)(?:'m| am|'re| are)? (?:not going to|not gonna|can't|cannot|couldn't|won't|"
    r"wouldn't|shouldn't|don't|didn't)(?! forget\b| miss\b)",
    r"(?:i )?(?:don't|do not) know (?:if|whether|when|what|how|why)",
    # "you" meaning anyone, as in an opinion: "I think you have to put it in perspective"
    r"(?:i think|i guess|i mean|i believe|i feel),? (?:that )?you (?:have to|got to|'ve got to|"
    r"need to|should|must)",
    r"you(?:'ve)? (?:have to|got to|need to|gotta) (?:be|have|realize|understand|remember|"
    r"question|put (?:it |that |things )?(?:in|into) perspective|admit|take into account)\b",
    r"(?:i|we|you) (?:won't|will not|don't|do not|didn't|did not|shouldn't|can't|cannot) "
    r"(?:need|have) to",
    r"no need to",
    r"(?:i|we) (?:won't|will not|can't|cannot) (?:be able to )?(?:make|attend|join)",
    r"(?:worried|afraid|concerned|scared|fear|risk|chance|danger) (?:is )?(?:that )?"
    r"(?:we|i|they|you) (?:could|might|may|will|would)",
)
PAST_REPORT = _words(
    r"(?:i|we|he|she|they|\w+) (?:already|just)? ?(?:sent|talked|fixed|scheduled|finished|"
    r"updated|emailed|called|met|closed|shipped|launched|decided|did|reviewed|discussed)",
    r"(?:was|were) going to",
    r"last (?:week|time|month|sprint|quarter)",
    r"(?:yesterday|earlier today)",
)

# What one does by habit, not what one takes on: "sometimes I will watch the news", "every
# once in a while I have to travel".
HABITUAL = _words(
    r"sometimes",
    r"usually",
    r"always",
    r"often",
    r"never",
    r"every (?:once|now and then|so often)",
    r"once in a ?while",
    r"whenever",
    r"most of the time",
    r"all the time",
    r"a lot of times",
    r"nowadays",
    r"occasionally",
    r"on occasion",
    r"from time to time",
    r"(?:every )?now and (?:then|again)",
    r"these days",
    r"any ?more",
    r"in general",
    r"on (?:weekends|sundays|saturdays|the weekends)",
)
# A modal before a verb of thinking, feeling or perceiving ("I can see the concerns", "I have
# to laugh", "I could never imagine", "we can't wait"): a state of mind, not work to do.
IDLE_MODAL = _words(
    r"(?:i|we|you)(?:'ll|'d| will| would| can| could| can't| cannot| couldn't| have to| 've got"
    r" to| got to| gotta| should| must| need to)(?: have to| be able to)?"
    r"(?: (?:just|really|even|never|not|honestly|"
    r"certainly|definitely|only|also|still|sort of|kind of))* (?:think|imagine|remember|"
    r"understand|believe|guess|wonder|hope|bet|relate|appreciate|picture|recall|feel|enjoy|"
    r"like|love|hate|afford|stand|live with|laugh|admit|agree|wait|say|tell you|see (?:the|why|"
    r"how|that|what|it|a|where|them|him|her|your|their|lots|some)|hear)\b",
)
# A member addressed by name and asked to do something: "Marcus, can you…", "Great, Dana,
# please…", "Marcus, you will…" (``name`` is checked against the members by the caller).
VOCATIVE_REQUEST = re.compile(
    r"^\W*(?:\w+,?\s+)?(?P<name>[a-z][a-z'-]*),\s+(?:(?:also|then)\s+)?(?:please|"
    r"(?:can|could|would|will) you|you(?:'ll| will| need to| should| have to| must|"
    r"'re going to| are going to))\b",
    re.IGNORECASE,
)
# A statement turned into a question by its tag: "…, doesn't it?", "…, right?" (asking for a
# yes; "right?" or "you know?" alone is a backchannel, and too short to count).
TAG_QUESTION = re.compile(
    r",\s*(?:(?:is|are|was|were|do|does|did|have|has|had|can|could|will|would|should|won|"
    r"wouldn|shouldn|couldn|isn|aren|wasn|weren|don|doesn|didn|haven|hasn|hadn)(?:'t|n't)?"
    r"\s+(?:it|he|she|they|we|you|there|i|that)(?:\s+not)?|right|correct|yes|no|okay|ok)"
    r"\s*\?\s*$",
    re.IGNORECASE,
)
# The same tag without its question mark, as speech is often transcribed: a negative
# auxiliary and a pronoun closing the sentence ("…that was a while ago, wasn't it",
# "They did that didn't they") or a positive one set off by a comma ("…, is it"), or ", huh".
TAG_ENDING = re.compile(
    r"(?:\b(?:isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|hasn't|hadn't|won't|"
    r"wouldn't|can't|couldn't|shouldn't)\s+(?:it|he|she|they|we|you|there|that)"
    r"|,\s*(?:is|are|was|were|do|does|did|have|has|will|would|can)\s+"
    r"(?:it|he|she|they|we|you|there|that)|,?\s+huh)(?:,?\s*(?:uh|um|you know))?\W*$",
    re.IGNORECASE,
)
# A backchannel in question form: the listener showing interest or checking they follow
# ("Really?", "Oh, you did?", "Is that right?", "Okay?"), not asking for anything a summary
# would list; Symbl did not count these either.
BACKCHANNEL_QUESTION = re.compile(
    r"^\W*(?:(?:oh|ooh|wow|well|yeah|so|and|really|huh|hm+|uh|um),?\s+)*"
    r"(?:really|is that (?:right|so|true|a fact|it|correct)|are you (?:serious|kidding)|"
    r"you're (?:kidding|serious)|no kidding|seriously|yeah|yes|no|right|huh|you know|see|what|"
    r"pardon|sorry|excuse me|okay|ok|alright|all right|correct|true|"
    r"(?:you|he|she|they|it|that|we|there)\s+(?:do|did|does|will|would|is|was|are|were|have|"
    r"has|had|can|could)(?:n't)?|"
    r"(?:do|did|does|will|would|is|was|are|were|have|has|had|can|could)(?:n't)?\s+"
    r"(?:you|he|she|they|it|that|there|we)(?:\s+really)?)"
    r"\W*$",
    re.IGNORECASE,
)
# Someone else's words retold ("and he goes, do you want to dance", "she said, What?"): the
# story of a question, not one asked in this conversation.
REPORTED = re.compile(
    r"\b(?:(?i:i|he|she|they|we|you|it|everybody|everyone|people|somebody|someone)|[A-Z][a-z]+)"
    r"(?i:(?:(?:'s|'re|'m| is| are| was| were| am),?\s+(?:like|going|thinking)|\s+(?:goes|go|went|"
    r"said|says|say|asked|asks|thought|told (?:him|her|me|them|us))))\s*,\s+\S",
)
# Surprise in question form, said without its mark too: "Is he really.", "Oh, did she really"
SURPRISE = re.compile(
    r"^\W*(?:(?:oh|wow|well|so),?\s+)*(?:is|was|are|were|do|does|did|has|have)(?:n't)?\s+"
    r"(?:he|she|it|that|they|you)\s+really\W*$",
    re.IGNORECASE,
)
# "The what?", "He's got what?": asking to hear a word again, not a question to list.
ECHO_WHAT = re.compile(r"^\W*(?:[\w'.-]+\s+){1,4}what\W*$", re.IGNORECASE)
# Questions that expect no answer ("Who knows?", "What can you do?").
RHETORICAL = re.compile(
    r"^\W*(?:(?:oh|well|but|and|so|i mean|you know),?\s+)*(?:who knows|what can you do|"
    r"(?:you )?know what i mean|guess what|what else is new|how about that|what do you know|"
    r"why not|who cares|what the heck|what the hell|go figure)\W*$"
    # whatever follows: "Why bother working?", "Why should they be sitting in prison…?",
    # "Isn't that true.", "Who's to put the limit on it?"
    r"|^\W*(?:(?:oh|well|but|and|so|uh|um|you know|i mean),?\s+)*"
    r"(?:why (?:not|bother)\b|why should (?:they|an?|the|anyone|anybody|somebody|someone|"
    r"people)\b|who'?s to\b|isn't (?:that|it) (?:true|bad|"
    r"funny|sad|great|terrible|amazing|awful|interesting|something|crazy|weird|strange|wild|"
    r"nice|neat)\W*$)",
    re.IGNORECASE,
)
# "So do I", "neither did we": agreement by ellipsis, not an inverted question.
ELLIPTIC_AGREEMENT = re.compile(
    r"^\W*(?:(?:and|oh|well|yeah|yes),?\s+)*(?:so|neither|nor)\s+\w+\s+"
    r"(?:i|we|you|he|she|they|it|mine|ours)"
    # nothing more is said: "so do you have a big family" asks
    r"(?:\W*$|\s*,|\s+(?:too|either|really|though|as well|yeah|uh|um)\b)",
    re.IGNORECASE,
)
# A reply that takes something on without saying what ("Will do.", "Sure, I can do that."):
# an answer to a request, never an action item of its own.
BARE_ACCEPTANCE = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|sure|okay|ok|alright|absolutely|of course),?\s+)*"
    r"(?:(?:i|we)(?:'ll| will| can| shall| could)?|will|can)?\s*"
    r"(?:do(?: it| that| so| this)?|handle (?:it|that)|take care of (?:it|that))?\W*$"
    # agreeing to a proposal: "Yes, let's.", "Sure, let's do it."
    r"|^\W*(?:(?:yes|yeah|yep|sure|okay|ok|alright|absolutely|of course),?\s+)*"
    r"(?:let's|let us)(?:\s+do(?: it| that| so| this))?\W*$",
    re.IGNORECASE,
)
# "If the tests pass, we can launch Monday": an option on a condition, not a task.
CONDITIONAL_OPTION = re.compile(
    r"^\W*(?:\w+,?\s+)?(?:if|unless|assuming|provided|in case)\b[^,]{0,80},\s*(?:then\s+)?"
    r"(?:we|i|you|they|he|she|it)\s+(?:can|could|might|may|would)\b",
    re.IGNORECASE,
)
# "Let's use the new photos": a decision taken in the meeting, not work to do after it.
DECISION = re.compile(
    r"\b(?:let's|let us) (?:use|go with|stick with|keep|choose|pick|plan for|plan on|agree on|"
    r"settle on|go ahead with|leave it|say)\b",
    re.IGNORECASE,
)
# "Let's move on", "Let's get started", "Talk soon": steering the meeting itself, or taking
# leave, not work to do after it (unless a later time says otherwise: "let's go over it
# tomorrow").
MEETING_PROCESS = re.compile(
    r"\b(?:let's|let us) (?:just )?(?:move on|get going|get started|get back to|start|begin|"
    r"continue|go on|wrap (?:it |this |things )?up|see|go (?:back|through|over|around)|"
    r"talk about|discuss)\b"
    r"(?!.*\b(?:tomorrow|next|later|monday|tuesday|wednesday|thursday|friday|offline)\b)"
    r"|\b(?:talk (?:to you )?soon|see you(?: all| later| soon| then)?|bye|take care)\W*$",
    re.IGNORECASE,
)
# A definite promise of one's own: "I will send…", "Okay, I'll book…" (not "I'll try", "I'll be…").
FIRST_PERSON_PROMISE = re.compile(
    r"^\W*(?:(?:okay|ok|so|and|sure|yes|yeah|alright|then|also|great|perfect|fine),?\s+)*"
    r"i(?:'ll| will| am going to|'m going to| shall)\s+(?!be\b|have\b|see\b|think\b|try\b|"
    r"probably\b|maybe\b|guess\b|just say\b)[a-z]+",
    re.IGNORECASE,
)

__all__ = [
    "ASKED",
    "AUX_START",
    "BACKCHANNEL_QUESTION",
    "BARE_ACCEPTANCE",
    "CHATTER",
    "COMMIT",
    "CONDITIONAL_OPTION",
    "DECISION",
    "DISCOURSE",
    "ECHO_WHAT",
    "ELLIPTIC_AGREEMENT",
    "EMBEDDED_QUESTION",
    "FIRST_PERSON_PROMISE",
    "FOLLOW_UP",
    "HABITUAL",
    "HEDGE",
    "IDLE_MODAL",
    "IMPERATIVE_VERBS",
    "LEADING_ANY",
    "MEETING_PROCESS",
    "NEGATED_TASK",
    "PAST_REPORT",
    "REPORTED",
    "REQUEST",
    "RHETORICAL",
    "SUBJECT_MODAL",
    "TAG_ENDING",
    "TAG_QUESTION",
    "VOCATIVE_REQUEST",
    "WH_WORDS",
    "wordset",
]
