"""Build dev.tsv and test.tsv from a copy of the ICSI Meeting Recorder Dialog Act corpus.

Run once, by hand, when the sets are rebuilt (the output is committed):
``python -m bench.insights.mrda.prepare DIR`` where DIR holds ``mrda_archive`` and
``mrda_data/metadata`` of github.com/NathanDuran/MRDA-Corpus. Its ``database/*.dadb`` files
give each dialogue act's start time, id, full label and speaker (one comma-separated line per
act); its ``transcripts/*.trans`` files give each act's words with the transcribers'
punctuation, by the same id. The corpus's own validation meetings become dev.tsv (the only set
rules are tuned on) and its test meetings test.tsv.

An act's words are cleaned of the transcription marks no recogniser writes: ``==`` (cut
off, also at a word's end), ``|`` and a lone ``-`` (pauses and restarts inside an act),
``@reject@`` and the like. Acts with no words left, and those labelled ``z`` (not annotated),
are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


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


def main(source: Path) -> int:
    split = source / "mrda_data" / "metadata"
    archive = source / "mrda_archive"
    for name, listing in (("dev.tsv", "val_split.txt"), ("test.tsv", "test_split.txt")):
        meetings = (split / listing).read_text().split()
        _write(name, meetings, archive)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m bench.insights.mrda.prepare MRDA_CORPUS_DIR", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(Path(sys.argv[1])))
