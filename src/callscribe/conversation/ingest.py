"""Turning received text messages into timed messages, filling in what the sender left out.

Text input may come without times. Such a message starts where the previous one ended (or at
the conversation start) and lasts as long as saying it takes; its words are spread evenly over
it, so ``verbose`` output and analytics work the same for text as for speech.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from callscribe.conversation.timing import estimated_duration
from callscribe.pipeline.assembly import Assembled
from callscribe.records import NewMessage, Speaker, Word


@dataclass(frozen=True)
class ReceivedText:
    text: str
    speaker: Speaker
    start: datetime | None = None
    end: datetime | None = None


def timed_messages(received: list[ReceivedText], origin: datetime) -> list[NewMessage]:
    """Messages with start/end and word timings, in the order received."""
    out: list[NewMessage] = []
    cursor = origin
    for item in received:
        text = " ".join(item.text.split())
        start = item.start or cursor
        end = item.end or (start + estimated_duration(text))
        out.append(
            NewMessage(
                text=text,
                speaker=item.speaker,
                start=start,
                end=end,
                words=spread_words(text, start, end),
            )
        )
        cursor = max(cursor, end)
    return out


def spread_words(text: str, start: datetime, end: datetime) -> tuple[Word, ...]:
    """Word timings proportional to word length (longer words take longer to say)."""
    tokens = text.split()
    if not tokens:
        return ()
    total = sum(len(t) + 1 for t in tokens)
    span = end - start
    words: list[Word] = []
    elapsed = 0
    for token in tokens:
        w_start = start + span * (elapsed / total)
        elapsed += len(token) + 1
        words.append(Word(word=token, start=w_start, end=start + span * (elapsed / total)))
    return tuple(words)


def from_assembled(message: Assembled, origin: datetime) -> NewMessage:
    """An assembled message as a stored one would be; its times are seconds after ``origin``."""

    def at(seconds: float) -> datetime:
        return origin + timedelta(seconds=seconds)

    return NewMessage(
        text=message.text,
        speaker=message.speaker or Speaker(),
        start=at(message.start),
        end=at(message.end),
        words=tuple(
            Word(w.word.strip(), at(w.start), at(w.end), w.probability) for w in message.words
        ),
        confidence=message.confidence,
    )
