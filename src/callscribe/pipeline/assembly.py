"""Message assembly: recognised utterances in, whole-sentence messages of one speaker out.

Rules, in stream order:

* a change of speaker (placed by :mod:`~callscribe.pipeline.attribution`) ends a message, as
  soon as it is announced;
* another voice after a pause (no speaker event said so) ends held speech that ends at that
  pause: it is no longer waiting for its speaker to go on;
* an utterance that ends with a pause ends the message when its text ends a sentence; a pause
  in the middle of a sentence does not, when the same speaker goes on — the message is held
  until they do, someone else speaks, or ``hold`` seconds pass with nobody speaking;
* an utterance cut at the length cap (no pause) never ends a message by itself;
* an utterance ended early because its words end a sentence ends the message only when the
  rest of the usual pause has passed (``settled_at``) with nobody speaking: its final text is
  out sooner, and the message is cut where the usual pause would have cut it;
* a message longer than ``max_seconds`` is cut at sentence ends;
* the end of the stream ends everything held.

Held speech is attributed again each time something arrives, so a speaker event that comes
late still decides who said the speech it covers, as long as that speech is not yet out.
Sans-I/O: the caller passes ``now`` (any monotonic clock, seconds) and asks :attr:`deadline`
when to call :meth:`expire`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from callscribe.asr.types import Transcript, Word, confidence_of
from callscribe.pipeline import sentences
from callscribe.pipeline.attribution import AttributionConfig, Turn, attribute
from callscribe.pipeline.timeline import SpeakerTimeline, same_speaker
from callscribe.records import Speaker

_AT_PAUSE = 0.3
"""Seconds within which held speech's last word must end before a pause to be what preceded
it (a recogniser's word times are that loose)."""


@dataclass(frozen=True, slots=True)
class AssemblyConfig:
    """Seconds: how long an open sentence waits for its speaker, and the longest message."""

    hold: float = 1.5
    max_seconds: float = 20.0
    utterance_pause: float = 0.6
    """The pause at the seam of two utterances (the end-pointing pause that separated them)."""
    attribution: AttributionConfig = field(default_factory=AttributionConfig)


@dataclass(frozen=True, slots=True)
class Assembled:
    """A finished message: one speaker's whole sentences, times in stream seconds."""

    speaker: Speaker | None
    text: str
    words: tuple[Word, ...]
    start: float
    end: float
    confidence: float


@dataclass(slots=True)
class _Piece:
    """Words of one utterance still in the buffer, with the text each word brings."""

    words: list[Word]
    tokens: list[str]
    confidence: float


class MessageAssembler:
    """Turns utterances into messages; see the module's rules."""

    def __init__(self, timeline: SpeakerTimeline, config: AssemblyConfig | None = None) -> None:
        self.timeline = timeline
        self.config = config or AssemblyConfig()
        self._pieces: list[_Piece] = []
        self._paused = True  # the last utterance ended with a pause
        self._settled_at: float | None = None  # ...shortened by its words: out from then
        self._held_at: float | None = None
        self._speaking = False

    @property
    def holding(self) -> bool:
        return bool(self._pieces)

    @property
    def deadline(self) -> float | None:
        """When :meth:`expire` will let held speech go (None: nothing to wait for)."""
        if not self._pieces or self._speaking or self._held_at is None:
            return None
        if self._settled_at is not None:
            return self._settled_at
        return self._held_at + self.config.hold

    def speech_started(self) -> None:
        """Someone started speaking: held speech waits for what they say."""
        self._speaking = True

    def add(
        self,
        transcript: Transcript,
        *,
        paused: bool,
        now: float,
        settled_at: float | None = None,
    ) -> list[Assembled]:
        """An utterance's final text (stream times); ``paused``: it ended with a pause;
        ``settled_at``: when the usual pause would have ended it, if its words ended it sooner
        (the clock of ``now``)."""
        self._speaking = False
        self._held_at = now
        if not transcript.empty:
            self._pieces.append(_piece(transcript))
            self._paused = paused
            self._settled_at = settled_at if paused else None
        return self._settle(final=False)

    def turn_taken(self) -> list[Assembled]:
        """A speaker event arrived: held speech whose speaker has been followed by someone
        else goes out now, not when that someone's words are recognised."""
        return self._settle(final=False) if self._pieces else []

    def voice_changed(self, at: float) -> list[Assembled]:
        """Another voice speaks after a pause that begins at ``at`` (stream seconds): held
        speech that ends there goes out now, as a whole. Held speech ending earlier is
        another utterance's: its speaker may yet go on."""
        words = self._words()
        if not words or words[-1].end < at - _AT_PAUSE:
            return []
        return self._settle(final=True)

    def expire(self, now: float) -> list[Assembled]:
        """Let go of held speech whose speaker has not gone on within ``hold`` seconds."""
        deadline = self.deadline
        if deadline is None or now < deadline:
            return []
        return self._settle(final=True)

    def flush(self) -> list[Assembled]:
        """The stream ended: everything held becomes messages."""
        self._speaking = False
        return self._settle(final=True)

    # --- the rules --------------------------------------------------------------------------

    def _settle(self, *, final: bool) -> list[Assembled]:
        words = [w for p in self._pieces for w in p.words]
        if not words:
            self._pieces = []
            return []
        turns = attribute(words, self._pauses(), self.timeline, self.config.attribution)
        out: list[Assembled] = []
        for turn in turns[:-1]:
            out += self._messages(turn, whole=True)
        last = turns[-1]
        if final or self._taken_over(words, last):
            closed = True
        elif self._open(last):
            closed, self._settled_at = False, None  # an open sentence waits ``hold`` as always
        else:
            closed = self._paused and self._settled_at is None
        if closed:
            out += self._messages(last, whole=True)
            self._drop(len(words))
        else:
            kept = self._messages(last, whole=False)
            out += kept
            self._drop(sum(len(m.words) for m in kept) + last.begin)
        return out

    def _taken_over(self, words: list[Word], turn: Turn) -> bool:
        """Someone else is announced after the turn's last word: it is over."""
        after = self.timeline.changes(words[turn.end - 1].end, float("inf"))
        return any(
            not same_speaker(c.speaker or self.timeline.default, turn.speaker) for c in after
        )

    def _open(self, turn: Turn) -> bool:
        return sentences.open_ending(self._text(turn.begin, turn.end), self._names())

    def _messages(self, turn: Turn, *, whole: bool) -> list[Assembled]:
        """The turn as messages cut at sentence ends, none over ``max_seconds`` unless one
        sentence is. ``whole=False`` (a held turn) gives only what is due: once the turn has
        grown past ``max_seconds``, its sentences up to the last sentence end."""
        words = self._words()
        ends = [k + 1 for k in range(turn.begin, turn.end) if self._ends_sentence(k)]
        if whole and (not ends or ends[-1] != turn.end):
            ends.append(turn.end)
        if not whole and (
            not ends or words[turn.end - 1].end - words[turn.begin].start <= self.config.max_seconds
        ):
            return []
        chunks: list[tuple[int, int]] = []
        begin = turn.begin
        for i, end in enumerate(ends):
            after = ends[i + 1] if i + 1 < len(ends) else None
            if after is None or words[after - 1].end - words[begin].start > self.config.max_seconds:
                chunks.append((begin, end))
                begin = end
        return [self._message(turn.speaker, a, b) for a, b in chunks]

    def _message(self, speaker: Speaker | None, begin: int, end: int) -> Assembled:
        words = tuple(self._words()[begin:end])
        return Assembled(
            speaker=speaker,
            text=sentences.tidy(self._text(begin, end)),
            words=words,
            start=words[0].start,
            end=words[-1].end,
            confidence=confidence_of(words) if any(w.probability for w in words) else 0.0,
        )

    # --- the buffer -------------------------------------------------------------------------

    def _words(self) -> list[Word]:
        return [w for p in self._pieces for w in p.words]

    def _pauses(self) -> list[float]:
        """The pause at each word boundary; a seam between utterances is at least the
        end-pointing pause (the recogniser stretches a first word back to its utterance's
        start, hiding part of that pause)."""
        edge = self.config.attribution.max_pause
        pauses = [edge]
        previous: Word | None = None
        for i, piece in enumerate(self._pieces):
            for j, word in enumerate(piece.words):
                if previous is not None:
                    gap = max(0.0, word.start - previous.end)
                    if j == 0 and i > 0:
                        gap = max(gap, self.config.utterance_pause)
                    pauses.append(gap)
                previous = word
        pauses.append(edge)
        return pauses

    def _text(self, begin: int, end: int) -> str:
        """The recogniser's own text of words ``begin:end``, seams between utterances mended."""
        text = ""
        index = 0
        names = self._names()
        for piece in self._pieces:
            a, b = max(begin, index), min(end, index + len(piece.words))
            if a < b:
                part = "".join(piece.tokens[a - index : b - index]).strip()
                text = sentences.join(text, part, names) if text else part
            index += len(piece.words)
        return text

    def _ends_sentence(self, k: int) -> bool:
        index = 0
        for piece in self._pieces:
            if k < index + len(piece.words):
                return sentences.ends_sentence(piece.tokens[k - index])
            index += len(piece.words)
        return False

    def _drop(self, count: int) -> None:
        """Forget the first ``count`` words (they are out)."""
        while count > 0 and self._pieces:
            piece = self._pieces[0]
            if count >= len(piece.words):
                count -= len(piece.words)
                self._pieces.pop(0)
            else:
                del piece.words[:count], piece.tokens[:count]
                count = 0
        if not self._pieces:
            self._held_at = None

    def _names(self) -> frozenset[str]:
        return frozenset(
            s.name.split()[0].lower() for s in self.timeline.speakers() if s.name and s.name.split()
        )


def assemble(
    transcripts: Iterable[Transcript], timeline: SpeakerTimeline | None = None
) -> list[Assembled]:
    """Messages of a whole recording's utterances (stream order, each ended by a pause)."""
    assembler = MessageAssembler(timeline or SpeakerTimeline())
    out: list[Assembled] = []
    for transcript in transcripts:
        out += assembler.add(transcript, paused=True, now=0.0)
    return out + assembler.flush()


def _piece(transcript: Transcript) -> _Piece:
    """The utterance's words, each with the stretch of the recogniser's text it accounts for
    (so "$12,000." split as "$12" ",000." comes back as it was written)."""
    words = list(transcript.words) or [
        Word(transcript.text, transcript.start, transcript.end, transcript.confidence)
    ]
    return _Piece(words, sentences.tokens(transcript.text, words), transcript.confidence)


__all__ = ["Assembled", "AssemblyConfig", "MessageAssembler", "assemble"]
