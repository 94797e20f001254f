"""Speaker attribution: recognised words in, runs of words of one speaker out.

A change of speaker on the timeline is moved to the word boundary that best explains it, never
left inside a run of words spoken without a pause. People take turns at pauses, but a speaker
event is only roughly on time (a platform's active-speaker feed lags or jitters, a clock is a
little off), so each change goes to the boundary that minimises

    distance from the change to the pause  -  ``pause_weight`` × the pause's length

among boundaries whose pause is at least ``min_pause`` long (the edges of the words always
qualify). A long pause a little further away beats a short one that is closer: at 0.5, a pause
of 0.5 s is worth 0.25 s of distance. Pure: words, pauses and the timeline in, turns out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callscribe.asr.types import Word
from callscribe.pipeline.timeline import SpeakerTimeline, same_speaker
from callscribe.records import Speaker


@dataclass(frozen=True, slots=True)
class AttributionConfig:
    """How speaker changes are placed between words (seconds, except the weight)."""

    min_pause: float = 0.12
    pause_weight: float = 0.5
    max_pause: float = 1.0
    """Pauses count up to this long: any pause this long is a place where turns change."""
    reach: float = 1.5
    """Changes up to this far before the first or after the last word are considered."""


@dataclass(frozen=True, slots=True)
class Turn:
    """Consecutive words of one speaker: ``words[begin:end]`` of the attributed run."""

    speaker: Speaker | None
    begin: int
    end: int


def attribute(
    words: Sequence[Word],
    pauses: Sequence[float],
    timeline: SpeakerTimeline,
    config: AttributionConfig | None = None,
) -> list[Turn]:
    """Split ``words`` into turns by the speaker changes on ``timeline``.

    ``pauses[k]`` is the pause before ``words[k]`` (``pauses[len(words)]`` after the last).
    """
    cfg = config or AttributionConfig()
    n = len(words)
    if n == 0:
        return []
    if len(pauses) != n + 1:
        raise ValueError(f"{n} words need {n + 1} pauses, got {len(pauses)}")
    first, last = words[0].start, words[-1].end
    speaker = timeline.speaker_at(first - cfg.reach)
    placed: list[tuple[int, Speaker | None]] = []
    floor = 0
    for change in timeline.changes(first - cfg.reach, last + cfg.reach):
        k = max(floor, _boundary(words, pauses, change.at, cfg))
        placed.append((k, change.speaker or timeline.default))
        floor = k
    turns: list[Turn] = []
    begin = 0
    j = 0
    for k in range(n + 1):
        while j < len(placed) and placed[j][0] == k:
            new = placed[j][1]
            j += 1
            if same_speaker(new, speaker):
                continue
            if k > begin:
                turns.append(Turn(speaker, begin, k))
                begin = k
            speaker = new
    if begin < n:
        turns.append(Turn(speaker, begin, n))
    return _merged(turns)


def _boundary(
    words: Sequence[Word], pauses: Sequence[float], at: float, cfg: AttributionConfig
) -> int:
    """The word boundary (0..n) a change at ``at`` belongs to."""
    n = len(words)
    best, best_cost = 0, float("inf")
    for k in range(n + 1):
        pause = pauses[k]
        if 0 < k < n and pause < cfg.min_pause:
            continue
        lo = words[k - 1].end if k > 0 else float("-inf")
        hi = words[k].start if k < n else float("inf")
        distance = lo - at if at < lo else (at - hi if at > hi else 0.0)
        cost = distance - cfg.pause_weight * min(pause, cfg.max_pause)
        if cost < best_cost:
            best, best_cost = k, cost
    return best


def _merged(turns: list[Turn]) -> list[Turn]:
    out: list[Turn] = []
    for turn in turns:
        if out and same_speaker(out[-1].speaker, turn.speaker):
            out[-1] = Turn(turn.speaker, out[-1].begin, turn.end)
        else:
            out.append(turn)
    return out


__all__ = ["AttributionConfig", "Turn", "attribute"]
