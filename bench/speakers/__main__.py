"""Speaker separation on calls of real voices, at 16 kHz and through an 8 kHz µ-law phone line.

    .venv/bin/python -m bench.speakers                         # the score set, both lines
    .venv/bin/python -m bench.speakers --set tune --line 8k    # the set thresholds are chosen on
    .venv/bin/python -m bench.speakers --limit 2 --known       # two calls, speaker count given

Each call (:mod:`bench.speakers.calls`) goes whole through the product's offline diarization
(``callscribe.speakers.offline.diarize_audio``) and is scored against its truth
(:mod:`bench.speakers.score`). Report figures from ``--set score``: its speakers are not in the
``tune`` set, on which thresholds are chosen.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bench import machine
from bench.speakers import pool
from bench.speakers.calls import RATE, Call, calls
from bench.speakers.score import Score, Segment, score
from callscribe.audio.pcm import Samples

LINES = ("16k", "8k")
WARM_UP = 5
"""Seconds of the first call diarized, unscored, before any call is timed."""


class Diarization(Protocol):
    """What the product returns: labelled speech, and the CPU its speaker embeddings cost."""

    @property
    def segments(self) -> Sequence[Segment]: ...

    @property
    def cpu_seconds(self) -> float: ...


class Diarize(Protocol):
    def __call__(self, audio: Samples, /, speakers: int | None = None) -> Diarization: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """One call on one line."""

    call: Call
    score: Score
    cpu: float
    wall: float


def run_call(diarize: Diarize, call: Call, line: str, known: bool) -> Outcome:
    """Diarize one call on one line and score it; words are scored only if the result has any."""
    audio = call.audio_16k if line == "16k" else call.audio_8k
    began = time.perf_counter()
    result = diarize(audio, speakers=len(call.speakers) if known else None)
    wall = time.perf_counter() - began
    words: Sequence[Segment] = getattr(result, "words", None) or ()
    return Outcome(call, score(call.truth, result.segments, words), result.cpu_seconds, wall)


def _pct(value: float) -> str:
    return "   n/a" if math.isnan(value) else f"{100 * value:5.1f} %"


def _share(part: float, whole: float) -> float:
    return part / whole if whole else math.nan


def _mean(values: Sequence[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else math.nan


def call_row(o: Outcome) -> str:
    s = o.score
    return (
        f"  {o.call.name}  {o.call.seconds:5.1f} s  speakers {s.found}/{s.speakers}"
        f"  right {_pct(s.speech_right)}  miss {_pct(s.miss)}  words {_pct(s.words_share)}"
        f"  CPU {1000 * o.cpu / o.call.seconds:4.0f} ms/s"
    )


def summary(line: str, outcomes: Sequence[Outcome]) -> list[str]:
    """The figures for one line: means over calls and pooled over all their frames."""
    scores = [o.score for o in outcomes]
    seconds = sum(o.call.seconds for o in outcomes)
    frames = sum(s.frames for s in scores)
    words = sum(s.words for s in scores)
    errors = Counter(s.found - s.speakers for s in scores if s.found != s.speakers)
    off = ", ".join(f"{k:+d} ×{n}" for k, n in sorted(errors.items())) or "none off"
    pooled_words = _share(sum(s.words_right for s in scores), words)
    words_text = (
        f"{_pct(_mean([s.words_share for s in scores]))} mean, {_pct(pooled_words)} pooled"
        if words
        else "n/a (the result has no words)"
    )
    return [
        f"{line}: {len(outcomes)} calls, {seconds:.0f} s of audio, {frames / 100:.0f} s of speech",
        f"  speech time right  {_pct(_mean([s.speech_right for s in scores]))} mean over calls,"
        f" {_pct(_share(sum(s.right for s in scores), frames))} pooled",
        f"  miss (unlabelled)  {_pct(_mean([s.miss for s in scores]))} mean over calls,"
        f" {_pct(_share(sum(s.missed for s in scores), frames))} pooled",
        f"  words right        {words_text}",
        f"  speakers found     {len(scores) - sum(errors.values())}/{len(scores)} calls exact"
        f" (found - truth: {off})",
        f"  CPU                {1000 * sum(o.cpu for o in outcomes) / seconds:.0f} ms per audio"
        f" second (speaker embeddings); wall {1000 * sum(o.wall for o in outcomes) / seconds:.0f}"
        " ms per audio second (the whole diarize call, recognition included)",
    ]


def header(set_name: str, chosen: Sequence[Call], known: bool) -> list[str]:
    """Which set, and whether its figures may be reported."""
    speakers = sorted({s for c in chosen for s in c.speakers}, key=int)
    other = next(name for name in pool.POOLS if name != set_name)
    status = (
        f"thresholds were tuned on the other set ({other}), which shares no speaker with it"
        if set_name == "score"
        else f"the set thresholds are tuned on: report figures from --set {other}"
    )
    return [
        machine.describe(),
        f"set {set_name}: {len(chosen)} calls, {len(speakers)} speakers ({' '.join(speakers)});"
        f" {status}",
        f"speaker count given to the diarizer: {'yes' if known else 'no'}",
    ]


def run(
    diarize: Diarize, set_name: str, lines: Sequence[str], limit: int | None, known: bool
) -> None:
    """Print the header, a row per call and line, and each line's summary."""
    chosen = calls(set_name)[:limit]
    print("\n".join(header(set_name, chosen, known)), flush=True)
    diarize(chosen[0].audio_16k[: WARM_UP * RATE])  # loads the models: not billed to a call
    for line in lines:
        outcomes: list[Outcome] = []
        print(f"\nline {line}", flush=True)
        for call in chosen:
            outcomes.append(run_call(diarize, call, line, known))
            print(call_row(outcomes[-1]), flush=True)
        print("\n".join(summary(line, outcomes)), flush=True)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of calls, got {text}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="set_name", choices=sorted(pool.POOLS), default="score")
    parser.add_argument("--line", choices=[*LINES, "both"], default="both")
    parser.add_argument("--limit", type=_positive, default=None, help="only the first N calls")
    parser.add_argument("--known", action="store_true", help="give the diarizer the speaker count")
    args = parser.parse_args()
    from callscribe.speakers.offline import diarize_audio  # loads the models: only to run

    lines = LINES if args.line == "both" else (args.line,)
    run(diarize_audio, args.set_name, lines, args.limit, args.known)
    print(f"\n{machine.ending()}")


if __name__ == "__main__":
    main()
