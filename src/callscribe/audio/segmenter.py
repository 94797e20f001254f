"""End-pointing, sans-I/O: 16 kHz mono in, speech-start / interim / utterance events out.

Rules (per 32 ms VAD window, probability ``p``):

* idle → pending when ``p >= threshold``; the last ``pad`` seconds are kept as pre-roll.
* pending → speaking once ``min_speech`` seconds of windows scored ``>= threshold``
  (emits :class:`SpeechStarted`); pending → idle if a ``pause`` of silence comes first.
* speaking: a window with ``p < neg_threshold`` extends the silence run, ``p >= threshold``
  resets it. A run of ``pause`` seconds ends the utterance (:class:`Utterance`, trimmed to the
  last speech plus ``pad``). Every ``interim_interval`` seconds of speech emits
  :class:`InterimAudio` with the utterance so far.
* ``early_finals``: once the silence after the last speech window covers ``pad``, the audio
  the utterance would end with is known, so :class:`EndCandidate` offers it for recognition
  while the pause is still being timed; :class:`Resumed` withdraws it if speech comes back.
  The :class:`Utterance` that follows holds exactly the candidate's audio when it ends there.
* :meth:`Segmenter.expect_pause`: the candidate's recognised words say how long its pause must
  be — ``settled_pause`` when they end a sentence, ``open_pause`` when they plainly do not
  ("and the…"). Silence cannot tell a finished speaker from one looking for a word; the words
  often can, and most of the time from the end of speech to a final is this pause.
* a verdict that comes after speech resumed still counts when the pause had lasted
  ``settled_pause``: the words are what would have ended the utterance there, had they been
  known in time, so it ends there and the speech after the pause goes on as a new utterance
  (:class:`Resumed` says the candidate is still in doubt). Where utterances end does not then
  depend on how fast the machine recognises: on a slow CPU the verdict on a few seconds of
  speech takes longer than the pause people leave between turns.
* an utterance reaching ``max_utterance`` seconds is split at the quietest window (lowest ``p``,
  then lowest energy) in its last ``split_search`` seconds; speech goes on in a new utterance.
* :meth:`Segmenter.cut_near` (someone else took the floor at about ``at``, as a speaker event
  says) ends the open utterance at a pause of at least ``turn_pause`` within ``turn_reach`` of
  ``at``: at once if one has been heard (the rest goes on as a new utterance), else at the
  first such pause still to come, until ``turn_reach`` past ``at``. People take turns in
  pauses far shorter than the end-pointing one; without this, a quick exchange is one long
  utterance whose first words wait for its end.
* :class:`Pause`: a quiet run of ``turn_pause`` or more inside an open utterance, reported when
  speech resumes after it — where a speaker change could be that no speaker event announces
  (the voices are compared there, :mod:`callscribe.pipeline.voices`).

Time is stream time: samples fed so far divided by the rate. Music and tones score near 0 on
Silero, so hold music does not count as speech for :attr:`Segmenter.last_speech`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from callscribe.audio.pcm import TARGET_RATE, Samples
from callscribe.audio.vad import WINDOW, VoiceActivity
from callscribe.errors import ValidationFailed

_WIN_S = WINDOW / TARGET_RATE


@dataclass(frozen=True, slots=True)
class SegmenterConfig:
    """End-pointing knobs, in seconds except the two probabilities."""

    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_speech: float = 0.25
    pause: float = 0.6
    pad: float = 0.2
    max_utterance: float = 15.0
    split_search: float = 4.0
    interim_interval: float = 1.0
    interims: bool = True
    early_finals: bool = True
    turn_pause: float = 0.15
    turn_reach: float = 0.6
    settled_pause: float = 0.4
    open_pause: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.neg_threshold <= self.threshold < 1.0:
            raise ValidationFailed("VAD thresholds need 0 < neg_threshold <= threshold < 1")
        for name in ("min_speech", "pause", "max_utterance", "interim_interval"):
            if getattr(self, name) <= 0:
                raise ValidationFailed(f"segmenter {name} must be positive")
        if not 0 < self.split_search < self.max_utterance:
            raise ValidationFailed("segmenter split_search must be in (0, max_utterance)")
        if self.pad < 0:
            raise ValidationFailed("segmenter pad must not be negative")
        if self.settled_pause <= 0 or self.open_pause <= 0:
            raise ValidationFailed("segmenter settled_pause and open_pause must be positive")

    def pause_after(self, finished: bool) -> float:
        """The pause that ends an utterance whose words end a sentence (True) or plainly go
        on (False); never longer, or shorter, than ``pause`` itself."""
        if finished:
            return min(self.settled_pause, self.pause)
        return max(self.open_pause, self.pause)


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """Someone started speaking at ``start`` (stream seconds, pre-roll included)."""

    start: float


@dataclass(frozen=True, slots=True)
class InterimAudio:
    """The current utterance's audio so far, for an interim hypothesis."""

    audio: Samples
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class EndCandidate:
    """The utterance so far, which ends here if the silence lasts ``pause``."""

    audio: Samples
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Resumed:
    """Speech came back after an :class:`EndCandidate`: that candidate will not be the end,
    unless ``doubt``: the pause had lasted ``settled_pause`` before its words were known, so
    it still ends the utterance there if they end a sentence (:meth:`Segmenter.expect_pause`)."""

    at: float
    doubt: bool = False


@dataclass(frozen=True, slots=True)
class Utterance:
    """A finished utterance. ``forced`` is True when it was split at the length cap;
    ``spared`` is how much of the usual pause was not waited for because its words end a
    sentence (the speaker may still go on within it)."""

    audio: Samples
    start: float
    end: float
    forced: bool = False
    spared: float = 0.0


@dataclass(frozen=True, slots=True)
class Pause:
    """Speech in the open utterance (begun at ``utterance``) stopped at ``start`` and
    resumed at ``end``, after a quiet run of at least ``turn_pause``."""

    start: float
    end: float
    utterance: float


SegmentEvent = SpeechStarted | InterimAudio | EndCandidate | Resumed | Pause | Utterance


class _State(Enum):
    IDLE = "idle"
    PENDING = "pending"
    SPEAKING = "speaking"


class WindowScorer(Protocol):
    """Speech probability per whole 32 ms window (:class:`VoiceActivity`, or a test's fake)."""

    def process(self, samples: Samples) -> NDArray[np.float32]: ...


class Segmenter:
    """Feed 16 kHz mono float32 with :meth:`feed`; read the events it returns."""

    def __init__(
        self, config: SegmenterConfig | None = None, vad: WindowScorer | None = None
    ) -> None:
        self.config = config or SegmenterConfig()
        self._vad = vad or VoiceActivity()
        self._tail = np.zeros(0, dtype=np.float32)  # < one window, not yet scored
        self._windows = 0  # windows scored so far
        self._state = _State.IDLE
        self._audio: list[Samples] = []  # current (pending/speaking) utterance, by window
        self._probs: list[float] = []
        self._start_win = 0  # first window of self._audio
        self._preroll: list[Samples] = []
        self._speech_wins = 0
        self._silence_run = 0
        self._last_speech_win = -1
        self._next_interim = 0.0
        self._candidate_out = False
        self._candidate_end = -1  # window the candidate's audio ends before
        self._verdict = False  # the candidate's words are known (expect_pause)
        self._doubt: tuple[int, int, int] | None = None
        """After :class:`Resumed` with doubt: the candidate's end window, the quiet windows
        heard after the speech before it, and the window speech resumed at."""
        self._pause = self.config.pause  # silence that ends the open utterance
        self._turn: tuple[int, int] | None = None  # a cut wanted at a pause in [from, until)
        self.last_speech: float | None = None
        """Stream time of the last confirmed speech window (None until someone speaks)."""

    # --- public -----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Stream seconds scored so far."""
        return self._windows * _WIN_S

    @property
    def speaking(self) -> bool:
        """True while an utterance is open (confirmed speech, end not yet found)."""
        return self._state is _State.SPEAKING

    @property
    def hearing(self) -> bool:
        """True while voice is heard and not over: an open utterance, or speech begun that is
        still too short (``min_speech``) to be one."""
        return self._state is not _State.IDLE

    def silence_for(self) -> float:
        """Seconds since the last confirmed speech (since the stream began if none yet)."""
        return self.now - (self.last_speech or 0.0)

    def feed(self, samples: Samples) -> list[SegmentEvent]:
        """Consume audio; return the events it caused, in stream order."""
        buf = np.concatenate([self._tail, samples]) if len(self._tail) else samples
        count = len(buf) // WINDOW
        self._tail = np.array(buf[count * WINDOW :], dtype=np.float32)
        if count == 0:
            return []
        whole = np.ascontiguousarray(buf[: count * WINDOW], dtype=np.float32)
        probs = self._vad.process(whole)
        events: list[SegmentEvent] = []
        for i in range(count):
            self._step(whole[i * WINDOW : (i + 1) * WINDOW], float(probs[i]), events)
        return events

    def cut_near(self, at: float) -> list[SegmentEvent]:
        """Someone else speaks from about ``at`` (stream seconds): end the open utterance at
        the pause nearest it (see the module's rules). Returns the events it caused."""
        if self._state is not _State.SPEAKING:
            return []
        cfg = self.config
        reach = round(cfg.turn_reach / _WIN_S)
        centre = round(at / _WIN_S)
        # quiet before the utterance's first speech is its lead-in, not a pause; and where
        # the utterance begins is itself where a turn may change
        first = next((i for i, p in enumerate(self._probs) if p >= cfg.threshold), 0)
        begin = self._start_win + first
        lo = max(begin + 1, centre - reach)
        heard = self._pause_near(lo, min(self._windows, centre + reach), centre)
        if abs(centre - begin) <= reach and (
            heard is None or abs(centre - begin) <= abs(centre - heard)
        ):
            return []  # the utterance begins at the change: nothing to cut
        if heard is not None:
            return [self._cut(heard - self._start_win)]
        if centre + reach > self._windows:
            self._turn = (lo, centre + reach)
        return []

    def expect_pause(self, end: float, pause: float) -> list[SegmentEvent]:
        """The candidate ending at ``end`` (an :class:`EndCandidate`'s) ends after ``pause`` of
        silence instead of the configured one: at once if that much has been heard. Ignored when
        speech has come back since that candidate (it is no longer the end in view)."""
        if self._doubt is not None and self._doubt[0] == round(end / _WIN_S):
            return self._settle_doubt(pause)
        if not self._candidate_out or round(end / _WIN_S) != self._candidate_end:
            return []
        self._verdict = True
        self._pause = pause
        if self._silence_run * _WIN_S >= pause:
            return [self._finish(self._windows, spared=self._unwaited())]
        return []

    def flush(self) -> list[SegmentEvent]:
        """End of stream: close an open utterance (a pending one is dropped as too short)."""
        events: list[SegmentEvent] = []
        if self._state is _State.SPEAKING:
            events.append(self._finish(self._windows))
        self._state = _State.IDLE
        self._audio, self._probs = [], []
        return events

    # --- the state machine ------------------------------------------------------------------

    def _step(self, window: Samples, p: float, events: list[SegmentEvent]) -> None:
        cfg = self.config
        index = self._windows
        self._windows += 1
        if self._state is _State.IDLE:
            if p < cfg.threshold:
                self._preroll.append(window)
                keep = int(cfg.pad / _WIN_S)
                self._preroll = self._preroll[-keep:] if keep else []
                return
            self._state = _State.PENDING
            self._audio, self._probs = [*self._preroll], [0.0] * len(self._preroll)
            self._start_win = index - len(self._preroll)
            self._preroll = []
            self._speech_wins = self._silence_run = 0
        self._audio.append(window)
        self._probs.append(p)
        quiet = self._silence_run
        if p >= cfg.threshold:
            self._speech_wins += 1
            self._silence_run = 0
            self._last_speech_win = index
        elif p < cfg.neg_threshold:
            self._silence_run += 1
        if self._state is _State.PENDING:
            if self._speech_wins * _WIN_S >= cfg.min_speech:
                self._state = _State.SPEAKING
                self.last_speech = (self._last_speech_win + 1) * _WIN_S
                start = self._start_win * _WIN_S
                self._next_interim = start + cfg.interim_interval
                events.append(SpeechStarted(start))
            elif self._silence_run * _WIN_S >= cfg.pause:
                self._state = _State.IDLE
                keep = int(cfg.pad / _WIN_S)
                self._preroll = self._audio[-keep:] if keep else []
                self._audio, self._probs = [], []
            return
        if p >= cfg.threshold:
            self.last_speech = (index + 1) * _WIN_S
            if quiet * _WIN_S >= cfg.turn_pause and index - quiet > self._start_win:
                start = self._start_win * _WIN_S
                events.append(Pause((index - quiet) * _WIN_S, index * _WIN_S, start))
            if self._candidate_out:
                self._candidate_out = False
                self._pause = cfg.pause
                doubt = not self._verdict and quiet * _WIN_S >= min(cfg.settled_pause, cfg.pause)
                self._doubt = (self._candidate_end, quiet, index) if doubt else None
                events.append(Resumed(self.now, doubt=doubt))
        if self._silence_run * _WIN_S >= self._pause:
            events.append(self._finish(index + 1, spared=self._unwaited()))
            return
        if self._turn_taken(index):
            events.append(self._finish(index + 1))
            return
        if len(self._audio) * _WIN_S >= cfg.max_utterance:
            self._candidate_out = False
            events.append(self._split())
        elif cfg.early_finals and index - self._last_speech_win == max(1, self._pad_wins):
            self._candidate_out = True
            self._verdict = False
            self._doubt = None
            stop = self._stop(index + 1)
            self._candidate_end = self._start_win + stop
            events.append(
                EndCandidate(
                    np.concatenate(self._audio[:stop]),
                    self._start_win * _WIN_S,
                    (self._start_win + stop) * _WIN_S,
                )
            )
        elif cfg.interims and self.now >= self._next_interim:
            self._next_interim = self.now + cfg.interim_interval
            events.append(
                InterimAudio(np.concatenate(self._audio), self._start_win * _WIN_S, self.now)
            )

    def _turn_taken(self, index: int) -> bool:
        """A wanted cut whose pause has now lasted ``turn_pause``."""
        if self._turn is None:
            return False
        lo, until = self._turn
        if index >= until:
            self._turn = None
            return False
        run = self._silence_run
        return run * _WIN_S >= self.config.turn_pause and index - run + 1 >= lo

    def _pause_near(self, lo: int, hi: int, centre: int) -> int | None:
        """Where to cut for the heard pause of ``turn_pause`` or more that lies in windows
        ``[lo, hi)`` of the open utterance, nearest ``centre``: the window after its first
        ``pad`` (the rest of it opens the next utterance)."""
        need = max(1, round(self.config.turn_pause / _WIN_S))
        neg = self.config.neg_threshold
        best: tuple[int, int] | None = None
        run_start = None
        for win in range(lo, hi + 1):
            quiet = win < hi and self._probs[win - self._start_win] < neg
            if quiet and run_start is None:
                run_start = win
            elif not quiet and run_start is not None:
                if win - run_start >= need and win < self._windows:  # speech after it
                    gap = (
                        0
                        if run_start <= centre < win
                        else min(abs(centre - run_start), abs(centre - win))
                    )
                    if best is None or gap < best[0]:
                        best = (gap, run_start + min(self._pad_wins, (win - run_start) // 2))
                run_start = None
        return best[1] if best else None

    @property
    def _pad_wins(self) -> int:
        return int(self.config.pad / _WIN_S)

    def _stop(self, end_win: int) -> int:
        """Windows of the current utterance kept if it ended at ``end_win``: up to ``pad``
        after the last speech."""
        stop = min(end_win, self._last_speech_win + 1 + self._pad_wins) - self._start_win
        return max(1, min(stop, len(self._audio)))

    def _settle_doubt(self, pause: float) -> list[SegmentEvent]:
        """The words of the candidate in doubt are known: they end the utterance at it if its
        pause was at least ``pause`` long. The new utterance starts ``pad`` before the speech
        that resumed (the rest of the pause is dropped, as after any end)."""
        assert self._doubt is not None
        end, quiet, resumed = self._doubt
        self._doubt = None
        cut = end - self._start_win
        if quiet * _WIN_S < pause or self._state is not _State.SPEAKING:
            return []
        if not 0 < cut < len(self._audio):
            return []
        spared = max(0.0, self.config.pause - quiet * _WIN_S)
        skip = max(0, resumed - self._pad_wins - end)
        return [self._cut(cut, spared=spared, skip=skip)]

    def _cut(
        self, cut: int, *, forced: bool = False, spared: float = 0.0, skip: int = 0
    ) -> Utterance:
        """End the utterance before its window ``cut``; speech goes on in a new one, from
        ``skip`` windows after the cut."""
        utt = Utterance(
            np.concatenate(self._audio[:cut]),
            self._start_win * _WIN_S,
            (self._start_win + cut) * _WIN_S,
            forced=forced,
            spared=spared,
        )
        cut += min(skip, len(self._audio) - cut - 1)
        self._audio, self._probs = self._audio[cut:], self._probs[cut:]
        self._start_win += cut
        self._next_interim = self._start_win * _WIN_S + self.config.interim_interval
        self._candidate_out = False
        self._doubt = None
        self._pause = self.config.pause
        self._turn = None
        return utt

    def _unwaited(self) -> float:
        """The part of the usual pause not yet heard (0 once it has been)."""
        return max(0.0, self.config.pause - self._silence_run * _WIN_S)

    def _finish(self, end_win: int, *, spared: float = 0.0) -> Utterance:
        """Close the utterance: trim trailing silence to ``pad``; the rest becomes pre-roll."""
        pad_wins = self._pad_wins
        stop = self._stop(end_win)
        utt = Utterance(
            np.concatenate(self._audio[:stop]),
            self._start_win * _WIN_S,
            (self._start_win + stop) * _WIN_S,
            spared=spared,
        )
        self._preroll = self._audio[stop:][-pad_wins:] if pad_wins else []
        self._audio, self._probs = [], []
        self._state = _State.IDLE
        self._candidate_out = False
        self._doubt = None
        self._pause = self.config.pause
        self._turn = None
        return utt

    def _split(self) -> Utterance:
        """Cut at the quietest window near the cap; keep speaking in a new utterance."""
        search = int(self.config.split_search / _WIN_S)
        first = max(1, len(self._audio) - search)
        candidates = range(first, len(self._audio))
        cut = min(
            candidates,
            key=lambda i: (round(self._probs[i], 2), float(np.mean(self._audio[i] ** 2))),
        )
        return self._cut(cut, forced=True)


__all__ = [
    "EndCandidate",
    "InterimAudio",
    "Pause",
    "Resumed",
    "SegmentEvent",
    "Segmenter",
    "SegmenterConfig",
    "SpeechStarted",
    "Utterance",
    "WindowScorer",
]
