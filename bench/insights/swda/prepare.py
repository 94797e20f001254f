"""Build dev.tsv and test.tsv from a copy of the processed Switchboard Dialog Act Corpus.

Run once, by hand, when the sets are rebuilt (the output is committed):
``python -m bench.insights.swda.prepare DIR`` where DIR is the ``swda_data`` folder of
github.com/NathanDuran/Switchboard-Corpus (one ``speaker|utterance|tag`` line per utterance,
non-verbal utterances dropped, interrupted ones joined). The corpus's own test conversations
become test.tsv; its validation conversations and every 20th training conversation become
dev.tsv, the only set rules and thresholds are tuned on.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVERY_NTH_TRAIN = 20


def _rows(path: Path) -> list[str]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        speaker, text, tag = line.split("|")
        rows.append(f"{path.stem}\t{speaker}\t{tag}\t{' '.join(text.split())}")
    return rows


def _write(name: str, files: list[Path]) -> None:
    lines = ["# conversation\tspeaker\tdialogue act\tutterance"]
    for path in files:
        lines += _rows(path)
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {len(files)} conversations, {len(lines) - 1} utterances")


def main(source: Path) -> int:
    train = sorted((source / "train").glob("*.txt"))
    _write("dev.tsv", sorted((source / "val").glob("*.txt")) + train[::EVERY_NTH_TRAIN])
    _write("test.tsv", sorted((source / "test").glob("*.txt")))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m bench.insights.swda.prepare SWDA_DATA_DIR", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(Path(sys.argv[1])))
