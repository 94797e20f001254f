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

SETS = Path(__file__).resolve().parent / "swda"
QUESTION_TAGS = frozenset({"qy", "qw", "qo", "qrr", "qy^d", "qw^d", "^g"})
TASK_TAGS = frozenset({"ad", "oo_co_cc"})
CHATTER_TAGS = frozenset(
    {"b", "bk", "ba", "aa", "ny", "nn", "na", "bh", "b^m", 'fo_o_fw_"_by_bc', "fc", "fp", "ft", "%"}
)


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


def load(name: str) -> list[Utterance]:
    """The utterances of ``swda/{name}.tsv`` (dev or test)."""
    out = []
    for line in (SETS / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
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


def report(scored: list[Scored]) -> dict[str, float]:
    """Print and return question P/R/F1, task P/R/F1 and the chatter insight rate."""
    figures: dict[str, float] = {}
    for name, gold_tags, attr in (
        ("questions", QUESTION_TAGS, "question"),
        ("tasks", TASK_TAGS, "task"),
    ):
        tp = sum(s.utterance.tag in gold_tags and getattr(s, attr) for s in scored)
        fp = sum(s.utterance.tag not in gold_tags and getattr(s, attr) for s in scored)
        fn = sum(s.utterance.tag in gold_tags and not getattr(s, attr) for s in scored)
        p, r, f1 = _prf(tp, fp, fn)
        figures |= {f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f1}
        print(
            f"    {name:<10} support {tp + fn:>4}  precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}"
        )
    made = sum(s.task for s in scored)
    figures["tasks_per_1000"] = 1000 * made / len(scored) if scored else 0.0
    print(f"    tasks made {made} ({figures['tasks_per_1000']:.1f} per 1,000 utterances)")
    chatter = [s for s in scored if s.utterance.tag in CHATTER_TAGS]
    noisy = sum(s.question or s.task for s in chatter)
    rate = noisy / len(chatter) if chatter else 0.0
    figures["chatter_rate"] = rate
    print(f"    chatter    {len(chatter)} utterances, {noisy} made an insight ({rate:.1%})")
    return figures


def errors(scored: list[Scored]) -> None:
    """Print every utterance the engine got wrong (for the dev set only)."""
    for s in scored:
        tag = s.utterance.tag
        gold_q, gold_t = tag in QUESTION_TAGS, tag in TASK_TAGS
        if s.question != gold_q or (s.task != gold_t and (gold_t or tag not in ("sd", "sv"))):
            flags = ("Q" if s.question else "-") + ("T" if s.task else "-")
            print(f"  {tag:>8} got {flags}: {s.utterance.text}")


def main(argv: list[str]) -> int:
    """``python -m bench.insights.conversational [dev|test] [-v]``."""
    name = next((a for a in argv if a in ("dev", "test")), "test")
    utterances = load(name)
    engine = InsightEngine()
    engine.warm_up()
    print(f"Switchboard {name} set: {len(utterances)} utterances")
    for label, shape in (("as transcribed", str), ("unpunctuated, lower case", unpunctuated)):
        scored, cpu = run(engine, utterances, shape)
        print(f"  {label}:")
        report(scored)
        ordered = sorted(cpu)
        print(
            f"    CPU ms/message: median {statistics.median(cpu):.1f}, "
            f"p95 {ordered[int(0.95 * len(ordered)) - 1]:.1f}"
        )
        if "-v" in argv and name == "dev":
            errors(scored)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
