"""The end of a call whose speakers were told apart by voice: the second pass onto the messages.

Live, each utterance got its speaker from the voices heard so far; a voice heard early, from
little speech, can have been taken for a new speaker (one person as "Speaker 2" and
"Speaker 4"), and a short turn for the wrong one. At the end the voices of the whole call are
clustered again (:meth:`~callscribe.speakers.separator.VoiceSeparator.second_pass`) and each
message known only by a voice ("Speaker N") takes the speaker that holds most of its speech.
Messages whose speaker a person's name gave (speaker events) are left as they are.

:func:`plan` decides (pure); the writer stores it and keeps its own records in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from callscribe.insights.records import Insight, MessageAnalysis, Person
from callscribe.records import Message, Speaker, unnamed_voice


@dataclass(frozen=True, slots=True)
class Stretch:
    """Speech from ``start`` to ``stop`` (stream seconds) in the voice of ``speaker``."""

    start: float
    stop: float
    speaker: Speaker


@dataclass(frozen=True, slots=True)
class Relabel:
    """New speakers of messages, and the renames that keep insights in step."""

    speakers: dict[str, Speaker]
    """Message id -> its new speaker."""
    by_message: dict[str, dict[str, str]]
    """Message id -> {old name: new name}, for the message's own insights (its speaker, and
    an assignee who was the speaker: "I will send it")."""
    everywhere: dict[str, str]
    """Old name -> new name, for voices every message of which went to one speaker (a
    request to "Speaker 4" is now to whoever they turned out to be)."""

    def names_for(self, message_id: str) -> dict[str, str]:
        return {**self.everywhere, **self.by_message.get(message_id, {})}


def plan(messages: Sequence[Message], origin: datetime, stretches: Sequence[Stretch]) -> Relabel:
    """The relabelling of ``messages`` (times after ``origin``) by the second pass's
    ``stretches``: each unnamed voice's message goes to the speaker whose stretches overlap
    most of it; a message no stretch overlaps keeps its speaker."""
    speakers: dict[str, Speaker] = {}
    by_message: dict[str, dict[str, str]] = {}
    went: dict[str, set[str]] = {}
    for m in messages:
        if m.member is None or not unnamed_voice(m.member.name):
            continue
        old = m.member.name
        best = _speaker_of(
            (m.start - origin).total_seconds(), (m.end - origin).total_seconds(), stretches
        )
        new = best.display_name if best is not None else old
        went.setdefault(old, set()).add(new)
        if best is not None and new != old:
            speakers[m.id] = best
            by_message[m.id] = {old: new}
    everywhere = {
        old: next(iter(news))
        for old, news in went.items()
        if len(news) == 1 and next(iter(news)) != old
    }
    return Relabel(speakers, by_message, everywhere)


def _speaker_of(start: float, stop: float, stretches: Sequence[Stretch]) -> Speaker | None:
    held: dict[str, float] = {}
    people: dict[str, Speaker] = {}
    for s in stretches:
        overlap = min(stop, s.stop) - max(start, s.start)
        if overlap > 0 or (overlap == 0 and start == stop == s.start):
            key = s.speaker.key
            people[key] = s.speaker
            held[key] = held.get(key, 0.0) + max(overlap, 1e-6)
    if not held:
        return None
    return people[max(held, key=held.__getitem__)]


def relabelled(analysis: MessageAnalysis, names: dict[str, str]) -> MessageAnalysis:
    """``analysis`` with the people of its insights renamed by ``names`` (all at once)."""
    if not names or not analysis.insights:
        return analysis

    def person(p: Person | None) -> Person | None:
        return replace(p, name=names[p.name]) if p is not None and p.name in names else p

    def insight(i: Insight) -> Insight:
        speaker = person(i.speaker)
        assert speaker is not None
        return replace(i, speaker=speaker, assignee=person(i.assignee))

    return replace(analysis, insights=tuple(insight(i) for i in analysis.insights))


__all__ = ["Relabel", "Stretch", "plan", "relabelled"]
