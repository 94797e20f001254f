"""Precision, recall and F1 per insight class on the held-out split, and ms per message.

Also scores a second blind set (fresh.tsv) written after the rules were frozen, and then the
conversational test splits: telephone conversation from the Switchboard Dialog Act Corpus and
project meetings from the ICSI Meeting Recorder Dialog Act corpus
(``bench/insights/conversational.py``; ``python -m bench.insights.conversational dev -v``
lists the errors on the development splits, the only ones rules are tuned on).

Run from the repository root: ``.venv/bin/python -m bench.insights``. The held-out sentences
(bench/insights/heldout.tsv) were written separately from the training split that ships in
the package and are never used to fit or tune anything.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from bench import machine
from bench.insights import conversational
from callscribe.insights import InsightEngine, parse_labelled, training_data
from callscribe.insights.records import ConversationContext, MessageInput, Person

HERE = Path(__file__).resolve().parent
CLASSES = ("question", "action_item", "follow_up")


def _labels(raw: frozenset[str]) -> set[str]:
    out = {"question"} if "question" in raw else set()
    if "follow_up" in raw:
        out.add("follow_up")
    elif "task" in raw:
        out.add("action_item")
    return out


def _report(gold: list[set[str]], predicted: list[set[str]]) -> None:
    print(f"  {'class':<12} {'support':>7} {'precision':>9} {'recall':>7} {'F1':>6}")
    for cls in CLASSES:
        pairs = list(zip(gold, predicted, strict=True))
        tp = sum(cls in g and cls in p for g, p in pairs)
        fp = sum(cls not in g and cls in p for g, p in pairs)
        fn = sum(cls in g and cls not in p for g, p in pairs)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print(f"  {cls:<12} {tp + fn:>7} {prec:>9.3f} {rec:>7.3f} {f1:>6.3f}")


def main() -> int:
    held = parse_labelled((HERE / "heldout.tsv").read_text(encoding="utf-8").splitlines())
    train = {d.text.lower() for d in training_data()}
    fresh_texts = (HERE / "fresh.tsv").read_text(encoding="utf-8").lower()
    leaked = [d.text for d in held if d.text.lower() in train]
    leaked += [t for t in train if f"\t{t}\n" in fresh_texts]
    if leaked:
        print(f"held-out sentences also in training data: {leaked}")
        return 1
    print(f"bench.insights: {machine.describe()}")
    engine = InsightEngine()
    t0 = time.perf_counter()
    engine.warm_up()
    load = time.perf_counter() - t0
    ctx = ConversationContext(start=datetime(2026, 3, 11, 14, tzinfo=UTC), timezone="UTC")
    speaker = Person("Speaker")
    predicted: list[set[str]] = []
    times: list[float] = []
    cpu: list[float] = []
    for i, item in enumerate(held):
        msg = MessageInput(str(i), item.text, speaker, ctx.start, ctx.start)
        t, c = time.perf_counter(), time.process_time()
        analysis = engine.analyze(msg, ctx)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        predicted.append({ins.type for ins in analysis.insights})
    gold = [_labels(d.labels) for d in held]
    print(f"held-out sentences: {len(held)} (training sentences: {len(train)})")
    print(f"model load + classifier fit: {load:.1f} s")
    print("rule ∧ classifier (the engine):")
    _report(gold, predicted)
    print("rules alone (InsightEngine(use_classifier=False)):")
    rules = InsightEngine(use_classifier=False)
    rule_msgs = [
        MessageInput(str(i), d.text, speaker, ctx.start, ctx.start) for i, d in enumerate(held)
    ]
    t = time.process_time()
    rule_pred = [{i.type for i in rules.analyze(m, ctx).insights} for m in rule_msgs]
    rule_cpu = (time.process_time() - t) * 1000 / len(held)
    _report(gold, rule_pred)
    print(f"  CPU ms/message (rules only): {rule_cpu:.1f}")
    ordered = sorted(times)
    print(
        f"wall ms/message (1 thread, sequential analyze): mean {statistics.mean(times):.1f}, "
        f"median {statistics.median(times):.1f}, p95 {ordered[int(0.95 * len(ordered)) - 1]:.1f}"
    )
    print(
        f"CPU ms/message (process time, torch 1 thread): mean {statistics.mean(cpu):.1f}, "
        f"median {statistics.median(cpu):.1f}"
    )
    batch_msgs = [
        MessageInput(str(i), d.text, speaker, ctx.start, ctx.start) for i, d in enumerate(held)
    ]
    t = time.perf_counter()
    engine.analyze_many(batch_msgs, ctx)
    print(f"ms/message (analyze_many batch): {(time.perf_counter() - t) * 1000 / len(held):.1f}")
    fresh = parse_labelled((HERE / "fresh.tsv").read_text(encoding="utf-8").splitlines())
    fresh_msgs = [
        MessageInput(str(i), d.text, speaker, ctx.start, ctx.start) for i, d in enumerate(fresh)
    ]
    fresh_gold = [_labels(d.labels) for d in fresh]
    print(f"second blind set (fresh.tsv, {len(fresh)} sentences), rule ∧ classifier:")
    fresh_pred = [{i.type for i in engine.analyze(m, ctx).insights} for m in fresh_msgs]
    _report(fresh_gold, fresh_pred)
    print("second blind set, rules alone:")
    _report(fresh_gold, [{i.type for i in rules.analyze(m, ctx).insights} for m in fresh_msgs])
    if "-v" in sys.argv:
        for d, g, p in zip(fresh, fresh_gold, fresh_pred, strict=True):
            if g != p:
                print(f"  fresh gold={sorted(g)} predicted={sorted(p)}: {d.text}")
        for d, g, p in zip(held, gold, predicted, strict=True):
            if g != p:
                print(f"  gold={sorted(g)} predicted={sorted(p)}: {d.text}")
    if "--written-only" not in sys.argv:
        print()
        conversational.main(["test"])
    print(machine.ending())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
