"""Score the insight engine on transcribed telephone conversation with dialogue-act labels.

Each utterance of the Switchboard Dialog Act Corpus (bench/insights/swda) is one message, in
conversation order, from its speaker, so "you" and answers resolve as in a call. An utterance
counts as a question when the engine makes a question insight of it; as a task when it makes
an action item or follow-up. Gold labels come from the corpus's tags:

* questions: yes-no, wh, open, or-clause, declarative and tag questions (``qy qw qo qrr qy^d
  qw^d ^g``); rhetorical questions (``qh``) and backchannels in question form (``bh``, "is
  that right?") are not questions a summary lists, as Symbl counted them;
* tasks: action directives (``ad``) and offers, options and commitments (``oo_co_cc``);
* chatter: backchannels, acknowledgements, agreements, yes/no answers, openings and closings,
  fragments (``b bk ba aa ny nn na bh b^m fo_o_fw_"_by_bc fc fp ft %``): any insight there is
  noise in the summary.

The ICSI Meeting Recorder Dialog Act corpus (bench/insights/mrda: real project meetings of
three to nine people, one label per dialogue act) is scored the same way, with MRDA's tags:

* questions: yes-no, wh, open, or and or-clause questions (``qy qw qo qr qrr``, declarative
  ones among them: ``qy^d``), not rhetorical ones (``qh``), nor signals of not understanding
  ("what?", ``^br``), rhetorical continuers (``^bh``) or checks that the others follow
  (``^f``: "you know?", "okay?"); MRDA cuts a tag question's tag from its statement, and the
  tag alone (``^g``: "right?", "aren't they?") is no question a summary lists either;
* tasks: action directives (``^co``) and commitments (``^cc``); suggestions (``^cs``, "maybe
  we should…") are neither missed nor wrong as tasks, as the hedged recommendations of
  bench.meeting are optional;
* chatter: backchannels, floor holders and grabbers, acknowledgements, acceptances,
  assessments, thanks, uninterpretable bits (``b fh fg h % ^bk ^aa ^ba ^ft …``) with no
  question or task tag;
* acts the speaker abandoned (``.%-``, ``.%--``) count for nothing: a summary does not list
  half a sentence, and missing it is no loss.

Also scored with the punctuation and capitals removed, as a recogniser may deliver a short
turn.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from callscribe.insights import InsightEngine
from callscribe.insights.records import ConversationContext, MessageInput, Person

HERE = Path(__file__).resolve().parent
QUESTION_TAGS = frozenset({"qy", "qw", "qo", "qrr", "qy^d", "qw^d", "^g"})
TASK_TAGS = frozenset({"ad", "oo_co_cc"})
CHATTER_TAGS = frozenset(
    {"b", "bk", "ba", "aa", "ny", "nn", "na", "bh", "b^m", 'fo_o_fw_"_by_bc', "fc", "fp", "ft", "%"}
)


@dataclass(frozen=True, slots=True)
class Gold:
    """What a dialogue act is to a summary reader; ``optional``: a task neither missed nor
    wrong; ``void``: counts for nothing (an abandoned act)."""

    question: bool = False
    task: bool = False
    chatter: bool = False
    optional: bool = False
    void: bool = False


def switchboard(tag: str) -> Gold:
    """A Switchboard (SWBD-DAMSL) tag's kind."""
    return Gold(question=tag in QUESTION_TAGS, task=tag in TASK_TAGS, chatter=tag in CHATTER_TAGS)


MRDA_QUESTIONS = frozenset({"qy", "qw", "qo", "qr", "qrr"})
MRDA_NOT_ASKING = frozenset({"br", "bh", "qh", "f", "g"})
MRDA_TASKS = frozenset({"co", "cc"})
MRDA_CHATTER = frozenset(
    {"b", "fh", "fg", "h", "%", "bk", "aa", "aap", "ba", "bd", "ft", "fa", "fw", "by", "na", "ng"}
)
MRDA_NEUTRAL = frozenset({"s", "rt"})  # a statement's mark and rising tone say nothing here


def mrda(label: str) -> Gold:
    """An MRDA label's kind: segments joined by ``|`` (one act said in parts), each a general
    tag and specific ones joined by ``^`` (``:`` joins a quoted act), an abandoned act marked
    ``.%-`` or ``.%--``."""
    if "%-" in label:
        return Gold(void=True)
    segments = [[t.split(".")[0] for t in re.split(r"[\^:]", seg)] for seg in label.split("|")]
    tags = {t for seg in segments for t in seg if t}
    general = {seg[0] for seg in segments if seg and seg[0]}
    question = bool(general & MRDA_QUESTIONS) and not tags & MRDA_NOT_ASKING
    task = bool(tags & MRDA_TASKS)
    return Gold(
        question=question,
        task=task,
        chatter=not question
        and not task
        and "cs" not in tags
        and bool(tags & MRDA_CHATTER)
        and tags <= MRDA_CHATTER | MRDA_NEUTRAL,
        optional="cs" in tags and not task,
    )


@dataclass(frozen=True, slots=True)
class Corpus:
    """A set of dialogue-act-labelled conversations in ``bench/insights/{folder}``."""

    name: str
    folder: str
    gold: Callable[[str], Gold]


SWITCHBOARD = Corpus("Switchboard (telephone conversation)", "swda", switchboard)
MEETINGS = Corpus("ICSI meetings (MRDA)", "mrda", mrda)
CORPORA = {"swda": SWITCHBOARD, "mrda": MEETINGS}


@dataclass(frozen=True, slots=True)
class Utterance:
    conversation: str
    speaker: str
    tag: str
    text: str


@dataclass(frozen=True, slots=True)
class Scored:
    utterance: Utterance
    question: bool
    task: bool


def load(name: str, corpus: Corpus = SWITCHBOARD) -> list[Utterance]:
    """The utterances of ``{corpus.folder}/{name}.tsv`` (dev or test)."""
    out = []
    path = HERE / corpus.folder / f"{name}.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        conversation, speaker, tag, text = line.split("\t")
        out.append(Utterance(conversation, speaker, tag, spoken(text)))
    return out


# The transcribers' notes ("*sp? mine", "*listen; strange ? placement") run to the end of the
# utterance; "((", "))" mark words they were unsure of.
_NOTE = re.compile(r"\s*\*.*$")
_UNSURE = re.compile(r"\s*(?:\(\(|\)\))")


def spoken(text: str) -> str:
    """The words said, without the transcribers' notes and marks: no recogniser writes
    them, and a note's own "?" must not make a question."""
    return _UNSURE.sub("", _NOTE.sub("", text)).strip()


_PUNCT = re.compile(r"[.,?!;:]+")


def unpunctuated(text: str) -> str:
    """The text as a recogniser without punctuation gives it: lower case, no marks."""
    return " ".join(_PUNCT.sub(" ", text).lower().split())


def run(
    engine: InsightEngine, utterances: list[Utterance], shape: Callable[[str], str] = str
) -> tuple[list[Scored], list[float]]:
    """The engine's verdict on each utterance, and CPU ms per message."""
    ctx = ConversationContext(start=datetime(2026, 3, 11, 14, tzinfo=UTC), timezone="UTC")
    people = {}
    scored: list[Scored] = []
    cpu: list[float] = []
    last: Person | None = None
    before: Person | None = None
    for i, u in enumerate(utterances):
        speaker = people.setdefault((u.conversation, u.speaker), Person(f"Speaker {u.speaker}"))
        if i and utterances[i - 1].conversation != u.conversation:
            last = before = None
        previous = last if last != speaker else before
        msg = MessageInput(str(i), shape(u.text), speaker, ctx.start, ctx.start)
        t = time.process_time()
        analysis = engine.analyze(msg, ctx, previous_speaker=previous)
        cpu.append((time.process_time() - t) * 1000)
        kinds = {ins.type for ins in analysis.insights}
        scored.append(Scored(u, "question" in kinds, bool(kinds & {"action_item", "follow_up"})))
        if speaker != last:
            before, last = last, speaker
    return scored, cpu


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(scored: list[Scored], gold: Callable[[str], Gold] = switchboard) -> dict[str, float]:
    """Print and return question P/R/F1, task P/R/F1 and the chatter insight rate."""
    figures: dict[str, float] = {}
    kinds = [gold(s.utterance.tag) for s in scored]
    for name in ("question", "task"):
        tp = fp = fn = 0
        for s, g in zip(scored, kinds, strict=True):
            if g.void or (name == "task" and g.optional):
                continue
            found, right = getattr(s, name), getattr(g, name)
            tp, fp, fn = (
                tp + (found and right),
                fp + (found and not right),
                fn + (right and not found),
            )
        p, r, f1 = _prf(tp, fp, fn)
        label = f"{name}s"
        figures |= {f"{label}_precision": p, f"{label}_recall": r, f"{label}_f1": f1}
        print(
            f"    {label:<10} support {tp + fn:>4}  precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}"
        )
    made = sum(s.task for s in scored)
    figures["tasks_per_1000"] = 1000 * made / len(scored) if scored else 0.0
    print(f"    tasks made {made} ({figures['tasks_per_1000']:.1f} per 1,000 utterances)")
    chatter = [s for s, g in zip(scored, kinds, strict=True) if g.chatter]
    noisy = sum(s.question or s.task for s in chatter)
    rate = noisy / len(chatter) if chatter else 0.0
    figures["chatter_rate"] = rate
    print(f"    chatter    {len(chatter)} utterances, {noisy} made an insight ({rate:.1%})")
    return figures


_STATEMENTS = frozenset({"sd", "sv", "s"})


def errors(scored: list[Scored], gold: Callable[[str], Gold] = switchboard) -> None:
    """Print every utterance the engine got wrong (for a dev set only); a statement made a
    task is left out (too many to read; the task precision counts them)."""
    for s in scored:
        tag, g = s.utterance.tag, gold(s.utterance.tag)
        if g.void:
            continue
        wrong_task = s.task != g.task and not g.optional
        if s.question != g.question or (wrong_task and (g.task or tag not in _STATEMENTS)):
            flags = ("Q" if s.question else "-") + ("T" if s.task else "-")
            print(f"  {tag:>8} got {flags}: {s.utterance.text}")


def main(argv: list[str]) -> int:
    """``python -m bench.insights.conversational [dev|test] [swda|mrda] [-v]``: both
    corpora unless one is named."""
    name = next((a for a in argv if a in ("dev", "test")), "test")
    named = [CORPORA[a] for a in argv if a in CORPORA]
    engine = InsightEngine()
    engine.warm_up()
    for corpus in named or list(CORPORA.values()):
        utterances = load(name, corpus)
        print(f"{corpus.name}, {name} set: {len(utterances)} utterances")
        for label, shape in (("as transcribed", str), ("unpunctuated, lower case", unpunctuated)):
            scored, cpu = run(engine, utterances, shape)
            print(f"  {label}:")
            report(scored, corpus.gold)
            ordered = sorted(cpu)
            print(
                f"    CPU ms/message: median {statistics.median(cpu):.1f}, "
                f"p95 {ordered[int(0.95 * len(ordered)) - 1]:.1f}"
            )
            if "-v" in argv and name == "dev":
                errors(scored, corpus.gold)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
