"""Build dev.tsv and test.tsv from a copy of the ICSI Meeting Recorder Dialog Act corpus.

Run once, by hand, when the sets are rebuilt (the output is committed):
``python -m bench.insights.mrda.prepare DIR`` where DIR holds ``mrda_archive`` and
``mrda_data/metadata`` of github.com/NathanDuran/MRDA-Corpus. Its ``database/*.dadb`` files
give each dialogue act's start time, id, full label and speaker (one comma-separated line per
act); its ``transcripts/*.trans`` files give each act's words with the transcribers'
punctuation, by the same id. The corpus's own validation meetings become dev.tsv (the only set
rules are tuned on) and its test meetings test.tsv; with ``--training``, its training meetings
become the task classifier's meeting clauses (:func:`_training`).

An act's words are cleaned of the transcription marks no recogniser writes: ``==`` (cut
off, also at a word's end), ``|`` and a lone ``-`` (pauses and restarts inside an act),
``@reject@`` and the like. Acts with no words left, and those labelled ``z`` (not annotated),
are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TRAINING = HERE.parents[2] / "src" / "callscribe" / "insights" / "data" / "meeting_tasks.tsv"
NEGATIVES = 700
"""Clauses of the training meetings that the rules take for tasks and the labels do not,
evenly spaced over the meetings (chosen on the dev meetings: 1,500 found fewer tasks there, and
slow the classifier's first fit)."""


def _words(text: str) -> str:
    words = (w.replace("==", "") for w in text.split())
    return " ".join(w for w in words if w not in {"", "|", "-", "--"} and not {"@", "{"} & set(w))


def _rows(meeting: str, archive: Path) -> list[str]:
    texts: dict[str, str] = {}
    for line in (archive / "transcripts" / f"{meeting}.trans").read_text().splitlines():
        act, text, _raw = line.split(",")
        texts[act] = text
    acts: list[tuple[float, str]] = []
    for line in (archive / "database" / f"{meeting}.dadb").read_text().splitlines():
        fields = line.split(",")
        start, act, label, speaker = float(fields[0]), fields[2], fields[5], fields[7]
        words = _words(texts.get(act, ""))
        if not words or label in {"z", ""} or not any(c.isalpha() for c in words):
            continue
        acts.append((start, f"{meeting}\t{speaker}\t{label}\t{words}"))
    return [row for _, row in sorted(acts, key=lambda a: a[0])]


def _write(name: str, meetings: list[str], archive: Path) -> None:
    lines = ["# meeting\tspeaker\tdialogue act\tutterance"]
    for meeting in meetings:
        lines += _rows(meeting, archive)
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {len(meetings)} meetings, {len(lines) - 1} utterances")


def _training(meetings: list[str], archive: Path) -> None:
    """The task classifier's meeting sentences (``label<TAB>clause``, ``a``: a task): every
    clause of the training meetings that the rules let through as a task candidate, labelled
    by its act (action directive or commitment, or neither; suggestions and abandoned acts
    left out), all the tasks and ``NEGATIVES`` of the rest."""
    from bench.insights.conversational import mrda
    from callscribe.insights import intent
    from callscribe.insights.loaders import parse

    acts = [row.split("\t") for m in meetings for row in _rows(m, archive)]
    kinds = [mrda(label) for _, _, label, _ in acts]
    clauses: list[tuple[bool, str]] = []
    for (*_, words), kind in zip(acts, kinds, strict=True):
        if kind.void or kind.optional:
            continue
        for sentence in intent.split_sentences(words):
            clauses += [(kind.task, c.text) for c in intent.split_clauses(sentence)]
    found = [
        (task, text)
        for (task, text), doc in zip(clauses, parse([t for _, t in clauses]), strict=True)
        if intent.extract(doc[:], frozenset()).task_candidate
    ]
    tasks = [text for task, text in found if task]
    others = [text for task, text in found if not task]
    kept = [others[int(i)] for i in np.linspace(0, len(others) - 1, min(NEGATIVES, len(others)))]
    lines = [
        "# Task candidates from the ICSI meetings of the MRDA training split (CC BY 4.0; see",
        "# bench/insights/mrda/README.md), made by bench/insights/mrda/prepare.py --training.",
        *(f"a\t{t}" for t in tasks),
        *(f"-\t{t}" for t in kept),
    ]
    TRAINING.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TRAINING.name}: {len(tasks)} tasks, {len(kept)} of {len(others)} others")


def main(source: Path, training: bool = False) -> int:
    split = source / "mrda_data" / "metadata"
    archive = source / "mrda_archive"
    if training:
        _training((split / "train_split.txt").read_text().split(), archive)
        return 0
    for name, listing in (("dev.tsv", "val_split.txt"), ("test.tsv", "test_split.txt")):
        meetings = (split / listing).read_text().split()
        _write(name, meetings, archive)
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--training"]
    if len(args) != 1:
        print(
            "usage: python -m bench.insights.mrda.prepare MRDA_CORPUS_DIR [--training]",
            file=sys.stderr,
        )
        raise SystemExit(2)
    raise SystemExit(main(Path(args[0]), training="--training" in sys.argv))
