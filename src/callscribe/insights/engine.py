"""The per-message chain: sentiment, questions, action items, follow-ups, entities, trackers,
phrases — composed from the small extractors beside this module.

Synchronous and CPU-bound on purpose: callers run :meth:`InsightEngine.analyze` in a worker
thread. Only sentences that a rule lets through are embedded, so most messages cost a parse
(~6 ms) and the rest add one MiniLM pass (~15 ms) on one core.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any

from callscribe.insights import classifier as clf
from callscribe.insights import intent, loaders
from callscribe.insights.assignee import find_assignee
from callscribe.insights.duedate import find_due_date, parse_timezone
from callscribe.insights.entities import find_entities
from callscribe.insights.names import unnamed_voice
from callscribe.insights.phrases import key_phrases
from callscribe.insights.records import (
    ConversationContext,
    Entity,
    Insight,
    InsightType,
    MessageAnalysis,
    MessageInput,
    Person,
    Tag,
)
from callscribe.insights.sentiment import score_text
from callscribe.insights.trackers import match_trackers

# Chosen by 5-fold cross-validation on the training split (bench/insights never tunes them).
QUESTION_THRESHOLD = 0.4
TASK_THRESHOLD = 0.4
FOLLOW_UP_THRESHOLD = 0.5
# Where the rules are sure of the form (a definite promise of one's own, a member asked by
# name), the classifier only has to find it plausible.
STRONG_TASK_THRESHOLD = 0.2


@dataclass(frozen=True, slots=True)
class _Candidate:
    message: int
    sentence: intent.Sentence
    span: Any
    cues: intent.Cues


# Scores given in rules-only mode, where there is no classifier probability.
RULE_SCORE = 0.7


def _clear(candidate: _Candidate) -> bool:
    return candidate.cues.question_candidate and candidate.cues.clear_question


class InsightEngine:
    """Extracts per-message insights; models load lazily on first use or in :meth:`warm_up`.

    ``use_classifier=False`` decides on the rules alone (no MiniLM pass per message, ~7 ms
    instead of ~20 ms): on the benchmark's held-out split the two score the same, but the
    classifier is the safety net for phrasings the rules do not know.
    """

    def __init__(self, *, use_classifier: bool = True) -> None:
        self.use_classifier = use_classifier

    def warm_up(self) -> None:
        """Load every model and fit the classifier now (call off the event loop at start)."""
        loaders.warm_up()
        if self.use_classifier:
            clf.classifier()

    def analyze(
        self,
        message: MessageInput,
        context: ConversationContext,
        *,
        previous_speaker: Person | None = None,
    ) -> MessageAnalysis:
        """Analyse one final message; ``previous_speaker`` helps resolve "you" to a person."""
        return self._run([message], context, [previous_speaker])[0]

    def analyze_many(
        self, messages: Sequence[MessageInput], context: ConversationContext
    ) -> list[MessageAnalysis]:
        """Analyse messages of one conversation in order, in batches (cheaper per message)."""
        previous: list[Person | None] = [None]
        for m in messages[:-1]:
            previous.append(m.speaker)
        for i in range(1, len(messages)):
            if messages[i - 1].speaker.name == messages[i].speaker.name:
                previous[i] = previous[i - 1]
        return self._run(list(messages), context, previous)

    def _run(
        self,
        messages: list[MessageInput],
        context: ConversationContext,
        previous: list[Person | None],
    ) -> list[MessageAnalysis]:
        tz = parse_timezone(context.timezone)
        names = frozenset(
            part.lower() for p in context.members for part in p.name.split()[:1] if part
        )
        docs = loaders.parse([m.text for m in messages])
        candidates: list[_Candidate] = []
        phrases: list[list[str]] = [[] for _ in messages]
        for index, doc in enumerate(docs):
            sentences = intent.split_sentences(doc.text)
            for sentence in (c for s in sentences for c in intent.split_clauses(s)):
                span = doc.char_span(
                    sentence.begin, sentence.begin + len(sentence.text), alignment_mode="expand"
                )
                if span is None or len(span) == 0:
                    continue
                cues = intent.extract(span, names)
                if not cues.chatter:
                    phrases[index].extend(key_phrases(span))
                if cues.question_candidate or cues.task_candidate:
                    candidates.append(_Candidate(index, sentence, span, cues))
        insights: list[list[Insight]] = [[] for _ in messages]
        if candidates:
            probs = self._probabilities(candidates)
            for cand, (p_q, p_task, p_follow) in zip(candidates, probs, strict=True):
                msg = messages[cand.message]
                cues = cand.cues
                if cues.question_candidate and (p_q >= QUESTION_THRESHOLD or cues.clear_question):
                    score = p_q if p_q >= QUESTION_THRESHOLD else max(p_q, RULE_SCORE)
                    insights[cand.message].append(self._question(cand, msg, float(score)))
                bar = STRONG_TASK_THRESHOLD if cues.strong_task else TASK_THRESHOLD
                if cues.task_candidate and p_task >= bar:
                    p_task = p_task if p_task >= TASK_THRESHOLD else max(p_task, RULE_SCORE)
                    kind: InsightType = (
                        "follow_up" if p_follow >= FOLLOW_UP_THRESHOLD else "action_item"
                    )
                    task = self._task(
                        cand, msg, kind, float(p_task), context, tz, previous[cand.message]
                    )
                    insights[cand.message].append(task)
        insights = [
            _join_alternatives(found, msg.text)
            for found, msg in zip(insights, messages, strict=True)
        ]
        out: list[MessageAnalysis] = []
        for index, (msg, doc) in enumerate(zip(messages, docs, strict=True)):
            entities = find_entities(
                doc,
                start=context.start,
                tz=tz,
                members=context.members,
                custom=context.custom_entities,
            )
            inner = [
                _with_entities(i, entities, doc.text) if i.type != "question" else i
                for i in insights[index]
            ]
            out.append(
                MessageAnalysis(
                    message_id=msg.id,
                    sentiment=score_text(msg.text),
                    insights=tuple(inner),
                    entities=entities,
                    tracker_matches=match_trackers(msg.text, context.trackers),
                    phrases=tuple(dict.fromkeys(phrases[index])),
                )
            )
        return out

    def _probabilities(self, candidates: list[_Candidate]) -> list[tuple[float, float, float]]:
        """P(question), P(task), P(follow-up) per candidate: the classifier's, or fixed
        rule scores (follow-up when a follow-up cue fired) in rules-only mode."""
        if not self.use_classifier:
            return [(RULE_SCORE, RULE_SCORE, 1.0 if c.cues.follow_up else 0.0) for c in candidates]
        # A clear question that cannot be a task is a question whatever the classifier says:
        # not embedding it keeps the slowest messages (MiniLM is ~20 ms a sentence on a core
        # without AVX-512) within budget; it gets the rule score.
        asked = [i for i, c in enumerate(candidates) if c.cues.task_candidate or not _clear(c)]
        out = [(RULE_SCORE, 0.0, 0.0)] * len(candidates)
        if asked:
            x = clf.features(
                loaders.embedder().encode([candidates[i].sentence.text for i in asked]),
                [candidates[i].cues.vector for i in asked],
            )
            for i, (a, b, c) in zip(asked, clf.classifier().predict(x), strict=True):
                out[i] = (float(a), float(b), float(c))
        return out

    @staticmethod
    def _question(cand: _Candidate, msg: MessageInput, score: float) -> Insight:
        return Insight(
            type="question",
            text=cand.sentence.text,
            message_id=msg.id,
            score=round(score, 4),
            speaker=msg.speaker,
            phrases=key_phrases(cand.span),
        )

    @staticmethod
    def _task(
        cand: _Candidate,
        msg: MessageInput,
        kind: InsightType,
        score: float,
        context: ConversationContext,
        tz: tzinfo,
        previous: Person | None,
    ) -> Insight:
        text = cand.sentence.text
        assignee = find_assignee(
            cand.span,
            speaker=msg.speaker,
            members=context.members,
            previous_speaker=previous,
            imperative=cand.cues.imperative,
        )
        due = find_due_date(text, context.start, tz)
        tags: list[Tag] = []
        if due is not None:
            tags.append(Tag("date", due.text, due.begin, due.value.isoformat()))
        called = assignee.name and not unnamed_voice(assignee.name)
        mention = text.lower().find(assignee.name.split()[0].lower()) if called else -1
        if mention >= 0:
            word = text[mention : mention + len(assignee.name.split()[0])]
            tags.append(Tag("person", word, mention, assignee.name))
        return Insight(
            type=kind,
            text=text,
            message_id=msg.id,
            score=round(score, 4),
            speaker=msg.speaker,
            assignee=assignee,
            due_by=due,
            definitive=not cand.cues.hedge,
            phrases=key_phrases(cand.span, task=True),
            tags=tuple(sorted(tags, key=lambda t: t.begin)),
        )


def _join_alternatives(found: list[Insight], text: str) -> list[Insight]:
    """ "Do we keep the discount? Or lower it?" is one question: an "or" question straight
    after a question of the same message joins it rather than standing alone in the summary."""
    out: list[Insight] = []
    for insight in found:
        last = out[-1] if out else None
        if last is not None and last.type == "question" and insight.type == "question":
            joined = f"{last.text} {insight.text}"
            if _OR.match(insight.text) and joined in text:
                out[-1] = replace(last, text=joined)
                continue
        out.append(insight)
    return out


_OR = re.compile(r"^\W*or\b", re.IGNORECASE)


def _with_entities(insight: Insight, entities: tuple[Entity, ...], text: str) -> Insight:
    """Attach the message's entities that fall inside the insight's sentence."""
    begin = text.find(insight.text)
    if begin < 0:
        return insight
    end = begin + len(insight.text)
    inside = tuple(e for e in entities if begin <= e.begin and e.end <= end)
    return replace(insight, entities=inside)


__all__ = [
    "FOLLOW_UP_THRESHOLD",
    "QUESTION_THRESHOLD",
    "RULE_SCORE",
    "STRONG_TASK_THRESHOLD",
    "TASK_THRESHOLD",
    "InsightEngine",
]
