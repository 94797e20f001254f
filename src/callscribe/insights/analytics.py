"""Talk-time analytics: talk time, silence and overlap for the conversation and per member.

Computed from message time spans (a sweep over start/end points), so it is exact for what
the recogniser attributed. On a one-channel phone call speakers are not separated and
overlap is usually zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from callscribe.insights.records import Analytics, MemberAnalytics, MessageInput, Metric, Person

Interval = tuple[float, float]


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        elif b > a:
            merged.append((a, b))
    return merged


def _length(intervals: list[Interval]) -> float:
    return sum(b - a for a, b in intervals)


def _intersect(x: list[Interval], y: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(x) and j < len(y):
        a, b = max(x[i][0], y[j][0]), min(x[i][1], y[j][1])
        if b > a:
            out.append((a, b))
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return out


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole > 0 else 0.0


def compute_analytics(
    messages: Sequence[MessageInput],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Analytics:
    """Analytics over ``messages``; the conversation spans ``start``..``end`` when given,
    else the first message's start to the last message's end."""
    if not messages:
        empty = (
            Metric("total_silence", 0.0, 0.0),
            Metric("total_talk_time", 0.0, 0.0),
            Metric("total_overlap", 0.0, 0.0),
        )
        return Analytics(0.0, empty)
    origin = start or min(m.start for m in messages)
    finish = end or max(m.end for m in messages)
    duration = max(0.0, (finish - origin).total_seconds())
    spans: dict[str, list[Interval]] = {}
    people: dict[str, Person] = {}
    words: dict[str, int] = {}
    for m in messages:
        key = m.speaker.user_id or m.speaker.name
        people.setdefault(key, m.speaker)
        a, b = (m.start - origin).total_seconds(), (m.end - origin).total_seconds()
        spans.setdefault(key, []).append((a, b))
        words[key] = words.get(key, 0) + len(m.text.split())
    own = {k: _union(v) for k, v in spans.items()}
    talk = _union([i for v in own.values() for i in v])
    pairwise: list[Interval] = []
    keys = list(own)
    for n, k in enumerate(keys):
        for other in keys[n + 1 :]:
            pairwise.extend(_intersect(own[k], own[other]))
    overlap = _union(pairwise)
    talk_s = _length(talk)
    silence_s, overlap_s = max(0.0, duration - talk_s), _length(overlap)
    metrics = (
        Metric("total_silence", round(silence_s, 3), _pct(silence_s, duration)),
        Metric("total_talk_time", round(talk_s, 3), _pct(talk_s, duration)),
        Metric("total_overlap", round(overlap_s, 3), _pct(overlap_s, duration)),
    )
    members = []
    for k in keys:
        others = _union([i for o in keys if o != k for i in own[o]])
        mine = _length(own[k])
        both = _length(_intersect(own[k], others))
        listen = _length(others) - both
        members.append(
            MemberAnalytics(
                member=people[k],
                talk_time=round(mine, 3),
                talk_percent=_pct(mine, duration),
                listen_time=round(listen, 3),
                listen_percent=_pct(listen, duration),
                overlap_time=round(both, 3),
                overlap_percent=_pct(both, duration),
                words=words[k],
                wpm=round(words[k] / (mine / 60.0), 1) if mine > 0 else 0.0,
            )
        )
    return Analytics(round(duration, 3), metrics, tuple(members))


__all__ = ["compute_analytics"]
