"""Scoring a conversation as the Conversation API returns it against the meeting's script.

Pure functions: the reference (turns of the script, labels of its insights) and what callscribe
returned (messages with their speakers, insights) in; figures out.

* **Transcript.** Every turn and every message is normalised with Whisper's English
  normaliser and the two word sequences are aligned (jiwer). WER counts every error; the other
  figures use the *hits* — reference words recognised exactly — each of which belongs to one
  turn and one message: share of hits whose message names the turn's speaker; share of turns
  whose hits all land in one message (a turn with no hit is not whole); messages whose hits
  come from turns of more than one speaker.
* **Insights.** A found insight matches a label when their words overlap (Dice ≥
  ``MATCH``), its text or one of its sentences against the label's text or one of its
  ``also`` answers; matching is one to one, best first. Matching an ``optional`` label is
  neither a hit nor a false alarm. Scored per type (question, action item, follow-up) and for
  tasks (action items and follow-ups together, as a reader sees them); assignee by first name,
  due date by day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

MATCH = 0.5
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class Turn:
    """A stretch of the reference: a script line (``speaker`` None for the bridge's prompts)."""

    speaker: str | None
    text: str
    end: float = 0.0
    """Seconds after the meeting's first sample when the turn ends."""


@dataclass(frozen=True, slots=True)
class Said:
    """A message as the Conversation API returned it."""

    id: str
    speaker: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Label:
    kind: str
    text: str
    also: tuple[str, ...] = ()
    assignee: str | None = None
    due: str | None = None
    optional: bool = False

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Label:
        return cls(
            kind=raw["kind"],
            text=raw["text"],
            also=tuple(raw.get("also", ())),
            assignee=raw.get("assignee"),
            due=raw.get("due"),
            optional=bool(raw.get("optional", False)),
        )


@dataclass(frozen=True, slots=True)
class Found:
    """An insight as the Conversation API returned it."""

    kind: str
    text: str
    assignee: str | None = None
    due: date | None = None


@dataclass(frozen=True, slots=True)
class TranscriptScore:
    wer: float
    hits: int
    words_right_speaker: float
    turns_whole: float
    turns: int
    messages: int
    messages_mixed: int
    message_of_hit: tuple[int, ...]
    turn_of_hit: tuple[int, ...]
    words_right_mapped: float = 0.0
    """Share of hits whose message's speaker is the turn's under the best one-to-one mapping of
    the speakers callscribe named to the script's (voices found without speaker events are
    "Speaker N": this is how well they were told apart)."""
    mapping: tuple[tuple[str, str], ...] = ()
    speakers_found: int = 0
    """Speakers that hold at least 2 % of the hits of scripted turns."""


@dataclass(frozen=True, slots=True)
class Prf:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class InsightScore:
    by_type: dict[str, Prf]
    tasks: Prf
    assignee_right: int
    assignee_scored: int
    due_right: int
    due_scored: int
    matches: tuple[tuple[Found, Label], ...]
    unmatched: tuple[Found, ...]
    missed: tuple[Label, ...]


# --- transcript -------------------------------------------------------------------------------


@cache
def _normalizer() -> Any:
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def words(text: str) -> list[str]:
    """Normalised words (numbers, spellings and punctuation as Whisper's normaliser has them)."""
    return str(_normalizer()(text)).split()


def transcript(turns: Sequence[Turn], said: Sequence[Said]) -> TranscriptScore:
    import jiwer

    ref: list[tuple[str, int]] = [(w, i) for i, t in enumerate(turns) for w in words(t.text)]
    hyp: list[tuple[str, int]] = [(w, j) for j, m in enumerate(said) for w in words(m.text)]
    if not ref:
        raise ValueError("the reference has no words")
    if not hyp:
        return TranscriptScore(1.0, 0, 0.0, 0.0, len(turns), len(said), 0, (), ())
    out = jiwer.process_words(" ".join(w for w, _ in ref), " ".join(w for w, _ in hyp))
    hit_turn: list[int] = []
    hit_message: list[int] = []
    for chunk in out.alignments[0]:
        if chunk.type == "equal":
            for k in range(chunk.ref_end_idx - chunk.ref_start_idx):
                hit_turn.append(ref[chunk.ref_start_idx + k][1])
                hit_message.append(hyp[chunk.hyp_start_idx + k][1])
    right = sum(
        1
        for i, j in zip(hit_turn, hit_message, strict=True)
        if turns[i].speaker is not None and said[j].speaker == turns[i].speaker
    )
    scored = sum(1 for i in hit_turn if turns[i].speaker is not None)
    messages_of: dict[int, set[int]] = {}
    speakers_of: dict[int, set[str | None]] = {}
    for i, j in zip(hit_turn, hit_message, strict=True):
        messages_of.setdefault(i, set()).add(j)
        speakers_of.setdefault(j, set()).add(turns[i].speaker)
    spoken = [i for i, t in enumerate(turns) if t.speaker is not None]
    whole = sum(1 for i in spoken if len(messages_of.get(i, ())) == 1)
    pairs = [
        (said[j].speaker, turns[i].speaker)
        for i, j in zip(hit_turn, hit_message, strict=True)
        if turns[i].speaker is not None
    ]
    mapping = best_mapping(pairs)
    mapped = sum(1 for h, r in pairs if h is not None and mapping.get(h) == r)
    counts: dict[str, int] = {}
    for h, _r in pairs:
        if h is not None:
            counts[h] = counts.get(h, 0) + 1
    return TranscriptScore(
        wer=float(out.wer),
        hits=len(hit_turn),
        words_right_speaker=right / scored if scored else 0.0,
        turns_whole=whole / len(spoken) if spoken else 0.0,
        turns=len(spoken),
        messages=len(said),
        messages_mixed=sum(1 for s in speakers_of.values() if len(s) > 1),
        message_of_hit=tuple(hit_message),
        turn_of_hit=tuple(hit_turn),
        words_right_mapped=mapped / scored if scored else 0.0,
        mapping=tuple(sorted(mapping.items())),
        speakers_found=sum(1 for n in counts.values() if n >= 0.02 * max(1, len(pairs))),
    )


def best_mapping(pairs: Sequence[tuple[str | None, str | None]]) -> dict[str, str]:
    """The one-to-one mapping of found speakers to reference speakers that puts the most
    (found, reference) pairs right (Hungarian method on the counts)."""
    from scipy.optimize import linear_sum_assignment

    found = sorted({h for h, r in pairs if h is not None and r is not None})
    ref = sorted({r for h, r in pairs if h is not None and r is not None})
    if not found or not ref:
        return {}
    counts = [[0] * len(ref) for _ in found]
    for h, r in pairs:
        if h is not None and r is not None:
            counts[found.index(h)][ref.index(r)] += 1
    rows, cols = linear_sum_assignment([[-c for c in row] for row in counts])
    return {found[a]: ref[b] for a, b in zip(rows, cols, strict=True) if counts[a][b] > 0}


def last_turn_of(score: TranscriptScore, said: Sequence[Said]) -> dict[str, int]:
    """For each message id, the last reference turn its hits belong to."""
    out: dict[str, int] = {}
    for i, j in zip(score.turn_of_hit, score.message_of_hit, strict=True):
        out[said[j].id] = max(out.get(said[j].id, i), i)
    return out


# --- insights ---------------------------------------------------------------------------------


def _bag(text: str) -> set[str]:
    return {re.sub(r"[^\w%$]", "", w) for w in words(text)} - {""}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' normalised word sets."""
    x, y = _bag(a), _bag(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


_SENTENCE = re.compile(r"(?<=[.?!])\s+")


def _parts(text: str) -> list[str]:
    """A found item's text, and each sentence of it when it has more than one: a proposal
    and its agreement ("Should I join that call too? Yes, please join.") are one item, and a
    label may name either."""
    sentences = _SENTENCE.split(text.strip())
    return [text, *sentences] if len(sentences) > 1 else [text]


def _match(found: Sequence[Found], labels: Sequence[Label]) -> list[tuple[int, int]]:
    pairs = []
    for i, f in enumerate(found):
        for j, label in enumerate(labels):
            sim = max(similarity(a, t) for a in _parts(f.text) for t in (label.text, *label.also))
            if sim >= MATCH:
                pairs.append((sim, i, j))
    taken_f: set[int] = set()
    taken_l: set[int] = set()
    out: list[tuple[int, int]] = []
    for _sim, i, j in sorted(pairs, reverse=True):
        if i not in taken_f and j not in taken_l:
            taken_f.add(i)
            taken_l.add(j)
            out.append((i, j))
    return out


def _prf(found: Sequence[Found], labels: Sequence[Label]) -> tuple[Prf, list[tuple[int, int]]]:
    pairs = _match(found, labels)
    matched_f = {i for i, _ in pairs}
    matched_l = {j for _, j in pairs}
    tp = sum(1 for _, j in pairs if not labels[j].optional)
    fp = len(found) - len(matched_f)
    fn = sum(1 for j, label in enumerate(labels) if j not in matched_l and not label.optional)
    return Prf(tp, fp, fn), pairs


def due_day(expression: str, day: date) -> date:
    """A label's due day ("Friday", "tomorrow", "today") for a meeting held on ``day``."""
    key = expression.strip().lower()
    if key == "today":
        return day
    if key == "tomorrow":
        return day + timedelta(days=1)
    if key in WEEKDAYS:
        ahead = (WEEKDAYS.index(key) - day.weekday()) % 7 or 7
        return day + timedelta(days=ahead)
    raise ValueError(f"label due {expression!r}: use a weekday, 'today' or 'tomorrow'")


def insights(
    found: Sequence[Found],
    labels: Sequence[Label],
    day: date,
    mapping: dict[str, str] | None = None,
) -> InsightScore:
    """``mapping``: found speaker names to the script's, for assignees found by voice."""
    by_type: dict[str, Prf] = {}
    for kind in ("question", "action_item", "follow_up"):
        by_type[kind], _ = _prf(
            [f for f in found if f.kind == kind], [x for x in labels if x.kind == kind]
        )
    unmatched: list[Found] = []
    missed: list[Label] = []
    matches: list[tuple[Found, Label]] = []
    tasks = Prf(0, 0, 0)
    for questions in (True, False):
        group_f = [f for f in found if (f.kind == "question") == questions]
        group_l = [x for x in labels if (x.kind == "question") == questions]
        prf, pairs = _prf(group_f, group_l)
        got_f, got_l = {i for i, _ in pairs}, {j for _, j in pairs}
        unmatched += [f for i, f in enumerate(group_f) if i not in got_f]
        missed += [x for j, x in enumerate(group_l) if j not in got_l and not x.optional]
        if not questions:
            tasks = prf
            matches = [(group_f[i], group_l[j]) for i, j in pairs]
    scored = [(f, lab) for f, lab in matches if lab.assignee is not None and not lab.optional]
    rename = mapping or {}
    assignee_right = sum(
        1
        for f, lab in scored
        if f.assignee
        and lab.assignee
        and rename.get(f.assignee, f.assignee).split()[0].lower() == lab.assignee.lower()
    )
    timed = [(f, lab) for f, lab in matches if lab.due is not None and not lab.optional]
    due_right = sum(1 for f, lab in timed if lab.due and f.due == due_day(lab.due, day))
    return InsightScore(
        by_type=by_type,
        tasks=tasks,
        assignee_right=assignee_right,
        assignee_scored=len(scored),
        due_right=due_right,
        due_scored=len(timed),
        matches=tuple(matches),
        unmatched=tuple(unmatched),
        missed=tuple(missed),
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by the nearest-rank method; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


__all__ = [
    "Found",
    "InsightScore",
    "Label",
    "Prf",
    "Said",
    "TranscriptScore",
    "Turn",
    "due_day",
    "insights",
    "last_turn_of",
    "percentile",
    "similarity",
    "transcript",
    "words",
]
