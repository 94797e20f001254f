"""Whisper via faster-whisper (CTranslate2, int8 on CPU).

Models load lazily and once per process per (path, threads, workers, window): a server with
many sources shares one copy. Whisper was trained on 30 s windows and faster-whisper pads every
call to one, so encoding 30 s dominated the cost of a short utterance. CTranslate2's encoder
accepts shorter input, so by default the window is cut to the speech plus some padding (see
:func:`_trimmed_window`), which makes finals several times cheaper; how much padding is chosen
when the model loads, from how fast this CPU encodes (:func:`choose_window`).
``full_window=True`` restores the trained 30 s window.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from callscribe.asr.types import Audio, Transcript, Word, confidence_of
from callscribe.errors import EngineUnavailable, ServiceError
from callscribe.log import get_logger

log = get_logger(__name__)

_models: dict[tuple[str, int, int, str, bool, float | None], Any] = {}
_models_lock = threading.Lock()

PADDINGS = (20.0, 15.0, 10.0)
"""Seconds of padding kept after the audio when the window is trimmed, most accurate first.

Without enough trailing padding Whisper does not see the audio end and repeats its text until
the token limit: with 5 s, 11 of the 266 Asterisk prompts (all under 2.5 s) looped; with 10 s
none did. Output that still looks looped is decoded again in full (:func:`_looped`). On a
2-core EPYC (bench.asr, 8 kHz / G.722): 20 s 3.22 / 3.11 % WER, 15 s 3.18 / 3.15 %, 10 s
3.53 / 2.96 %; the encoder's cost for a 4 s utterance on one thread was 0.28 s with 20 s,
0.14 s with 15 s, 0.08 s with 10 s (attention grows with the square of the window).
"""
ENCODE_BUDGET = 0.2
"""CPU seconds (one thread) the encoder may take for a 4 s utterance and its padding: the most
padding that fits is used. The 0.6 s end-of-turn pause already spends most of what a user
waits for a final, so a slow CPU gets a shorter window rather than late finals: a 2-core EPYC
gets 15 s; a CPU half again as fast, 20 s."""
_PROBE_SECONDS = 4.0


@dataclass(frozen=True, slots=True)
class WindowChoice:
    """The padding a trimmed window gets, and why."""

    padding: float
    """Seconds of padding after the audio."""
    encode_seconds: float | None
    """Measured encoder CPU seconds of a 4 s utterance with the chosen padding (None: the
    padding was set, not chosen)."""

    def describe(self) -> str:
        if self.encode_seconds is None:
            return f"{self.padding:g} s of padding (set)"
        return (
            f"{self.padding:g} s of padding (chosen: a 4 s utterance with it encodes in "
            f"{self.encode_seconds:.3f} s of CPU here, budget {ENCODE_BUDGET:g} s)"
        )


def choose_window(model: Any, padding: float | None, threads: int) -> WindowChoice:
    """``padding`` when set; else the most of :data:`PADDINGS` whose encoder time for a 4 s
    utterance, measured now on this CPU (best of three) and counted in CPU seconds (times the
    model's ``threads``: the encoder scales almost perfectly), fits :data:`ENCODE_BUDGET`. So
    a benchmark with two threads chooses as a server's one-thread workers do."""
    if padding is not None:
        return WindowChoice(padding, None)
    from faster_whisper import WhisperModel

    n_mels = int(model.model.n_mels)
    rng = np.random.default_rng(0)
    cost = np.inf
    for seconds in PADDINGS:
        frames = round((_PROBE_SECONDS + seconds) * 100)
        features = rng.standard_normal((n_mels, frames)).astype(np.float32) * 0.5
        WhisperModel.encode(model, features)  # the first call of a shape allocates
        best = np.inf
        for _ in range(3):
            began = time.perf_counter()
            WhisperModel.encode(model, features)
            best = min(best, time.perf_counter() - began)
        cost = best * threads
        if cost <= ENCODE_BUDGET:
            return WindowChoice(seconds, cost)
    return WindowChoice(PADDINGS[-1], cost)


_window = threading.local()


@contextlib.contextmanager
def _whole_window() -> Iterator[None]:
    """Within this thread, encode the full 30 s window even on a trimming model."""
    _window.full = True
    try:
        yield
    finally:
        _window.full = False


_GAP = 1.0
"""Seconds of silence between utterances packed into one window (keeps their words apart)."""
_PACK_LIMIT = 28.0
"""Seconds of packed audio per window: Whisper's 30 s, less a margin."""


def _trimmed_window(features: Any, padding: float) -> Any:
    """``features`` (mel frames padded with zeros to 30 s) cut to the speech + ``padding`` s.

    faster-whisper pads with exact zeros, which real audio (log-mel, normalised) never gives
    for a whole frame, so the last frame with any non-zero value ends the content.
    """
    batch = features if features.ndim == 3 else features[np.newaxis]
    content = np.flatnonzero(np.any(batch != 0, axis=(0, 1)))
    end = int(content[-1]) + 1 if len(content) else 0
    frames = min(batch.shape[-1], end + round(padding * 100))
    frames += frames % 2  # the encoder's convolution halves the frame count
    return np.ascontiguousarray(batch[..., :frames])


@functools.cache
def _model_class(full_window: bool) -> type[Any]:
    from faster_whisper import WhisperModel

    if full_window:
        return cast(type[Any], WhisperModel)

    class TrimmedWindowWhisperModel(WhisperModel):  # type: ignore[misc]
        """Encodes only the part of the 30 s window that holds audio (plus padding)."""

        window = WindowChoice(PADDINGS[0], None)

        def encode(self, features: Any) -> Any:
            if getattr(_window, "full", False):
                return super().encode(features)
            return super().encode(_trimmed_window(features, self.window.padding))

    return TrimmedWindowWhisperModel


def _load(
    path: str,
    cpu_threads: int,
    num_workers: int,
    compute_type: str,
    full_window: bool,
    padding: float | None,
) -> Any:
    key = (path, cpu_threads, num_workers, compute_type, full_window, padding)
    with _models_lock:
        if key not in _models:
            log.info(
                "loading whisper model", path=path, cpu_threads=cpu_threads, full_window=full_window
            )
            try:
                model = _model_class(full_window)(
                    path,
                    device="cpu",
                    compute_type=compute_type,
                    cpu_threads=cpu_threads,
                    num_workers=num_workers,
                    local_files_only=True,
                )
            except Exception as exc:  # CTranslate2/huggingface raise many kinds
                raise EngineUnavailable(f"cannot load Whisper model {path}: {exc}") from exc
            if not full_window:
                model.window = choose_window(model, padding, cpu_threads)
                log.info("whisper window", path=path, window=model.window.describe())
            _models[key] = model
        return _models[key]


def _require_faster_whisper() -> None:
    try:
        import faster_whisper  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailable(
            "Whisper engines need faster-whisper: pip install faster-whisper==1.2.1"
        ) from exc


class WhisperRecognizer:
    """A faster-whisper model directory (or a model name already in the local cache)."""

    sample_rate = 16000

    def __init__(
        self,
        model: str | Path,
        *,
        name: str | None = None,
        cpu_threads: int = 2,
        num_workers: int = 1,
        beam_size: int = 5,
        compute_type: str = "int8",
        english_only: bool = True,
        full_window: bool = False,
        padding: float | None = None,
        language: str | None = None,
    ) -> None:
        """``english_only``: an English model (``.en``), always told English; otherwise
        ``language`` (ISO 639-1) is the language spoken, None to detect it per utterance.
        ``padding``: seconds after the audio in a trimmed window (None: chosen at load from
        this CPU's speed, :func:`choose_window`)."""
        _require_faster_whisper()
        self.model_path = str(model)
        self.name = name or f"faster-whisper:{model}"
        self.cpu_threads = cpu_threads
        self.num_workers = num_workers
        self.beam_size = beam_size
        self.compute_type = compute_type
        self.language = "en" if english_only else language
        self.full_window = full_window
        self.padding = padding

    def _model(self) -> Any:
        return _load(
            self.model_path,
            self.cpu_threads,
            self.num_workers,
            self.compute_type,
            self.full_window,
            self.padding,
        )

    @property
    def window(self) -> WindowChoice | None:
        """The trimmed window's padding on this machine (loads the model); None: full window."""
        return None if self.full_window else cast(WindowChoice, self._model().window)

    def warm_up(self) -> None:
        """Load the model now rather than on the first call."""
        self._model()

    def transcribe(self, audio: Audio) -> Transcript:
        """Beam search, word timestamps, no conditioning on earlier text (segments stand alone)."""
        if len(audio) == 0:
            return Transcript("")
        audio = np.asarray(audio, dtype=np.float32)
        return _collect(self._segments(audio), len(audio) / self.sample_rate)

    def transcribe_interim(self, audio: Audio) -> Transcript:
        """Greedy, without timestamps: the cheapest hypothesis for live display."""
        if len(audio) == 0:
            return Transcript("")
        segments = self._segments(
            np.asarray(audio, dtype=np.float32), interim=True, timestamps=False
        )
        text = " ".join(s.text.strip() for s in segments).strip()
        return Transcript(text, (), 0.0, 0.0, len(audio) / self.sample_rate)

    def transcribe_batch(
        self, audios: Sequence[Audio], *, interim: bool = False
    ) -> list[Transcript]:
        """Several utterances at once, packed end to end into shared windows where that pays.

        Packing short utterances (1 s of silence apart) into one window shares the encoder's
        fixed cost among them. Words are given back to the utterance whose span holds their
        midpoint; ``interim`` packs greedy, timestamp-only passes (segments are shared out).
        With trimmed windows a final costs little beyond its own decoding, and packed finals
        measured slower than one by one (162 against 128 ms per utterance, 6 of ~3 s), so
        finals are packed only with ``full_window``; interims still gain (87 against 130 ms).
        """
        if not interim and not self.full_window:
            return [self.transcribe(audio) for audio in audios]
        results: list[Transcript | None] = [None] * len(audios)
        window: list[int] = []
        used = 0.0
        for index, audio in enumerate(audios):
            seconds = len(audio) / self.sample_rate + _GAP
            if seconds > _PACK_LIMIT / 2:
                results[index] = (self.transcribe_interim if interim else self.transcribe)(audio)
                continue
            if used + seconds > _PACK_LIMIT:
                self._packed(audios, window, results, interim)
                window, used = [], 0.0
            window.append(index)
            used += seconds
        self._packed(audios, window, results, interim)
        return [r if r is not None else Transcript("") for r in results]

    def _packed(
        self,
        audios: Sequence[Audio],
        indices: list[int],
        out: list[Transcript | None],
        interim: bool,
    ) -> None:
        if len(indices) == 1:
            single = self.transcribe_interim if interim else self.transcribe
            out[indices[0]] = single(audios[indices[0]])
        if len(indices) <= 1:
            return
        gap = np.zeros(int(_GAP * self.sample_rate), dtype=np.float32)
        spans: list[tuple[float, float]] = []
        parts: list[Audio] = [gap[: len(gap) // 2]]
        pos = len(gap) // 2
        for i in indices:
            audio = np.asarray(audios[i], dtype=np.float32)
            spans.append((pos / self.sample_rate, (pos + len(audio)) / self.sample_rate))
            parts += [audio, gap]
            pos += len(audio) + len(gap)
        packed = np.concatenate(parts)
        if interim:
            self._share_segments(self._segments(packed, interim=True), spans, indices, out)
            return
        whole = _collect(self._segments(packed), pos / self.sample_rate)
        owned: list[list[Word]] = [[] for _ in indices]
        for word in whole.words:
            mid = (word.start + word.end) / 2
            nearest = min(
                range(len(spans)),
                key=lambda k: max(spans[k][0] - mid, mid - spans[k][1], 0.0),
            )
            owned[nearest].append(word)
        for k, i in enumerate(indices):
            lo, hi = spans[k]
            duration = hi - lo
            words = tuple(
                Word(
                    w.word,
                    round(min(max(w.start - lo, 0.0), duration), 3),
                    round(min(max(w.end - lo, 0.0), duration), 3),
                    w.probability,
                )
                for w in owned[k]
            )
            text = " ".join(w.word for w in words)
            out[i] = (
                Transcript(text, words, confidence_of(words), words[0].start, words[-1].end)
                if words
                else Transcript("")
            )

    @staticmethod
    def _share_segments(
        segments: list[Any],
        spans: list[tuple[float, float]],
        indices: list[int],
        out: list[Transcript | None],
    ) -> None:
        texts: list[list[str]] = [[] for _ in indices]
        for seg in segments:
            mid = (seg.start + seg.end) / 2
            nearest = min(
                range(len(spans)), key=lambda k: max(spans[k][0] - mid, mid - spans[k][1], 0.0)
            )
            if seg.text.strip():
                texts[nearest].append(seg.text.strip())
        for k, i in enumerate(indices):
            lo, hi = spans[k]
            out[i] = Transcript(" ".join(texts[k]), (), 0.0, 0.0, hi - lo)

    def _segments(
        self, audio: Audio, *, interim: bool = False, timestamps: bool = True
    ) -> list[Any]:
        """Decode; a trimmed window is decoded again in full when it sent Whisper into a loop,
        or, for a final, when it gave no text (on a trimmed window Whisper's no-speech
        probability rises, and a short utterance such as "N B S" may come back empty)."""
        segments = self._decode(audio, interim, timestamps)
        if self.full_window:
            return segments
        looped = _looped(segments, len(audio) / self.sample_rate)
        if looped or (not interim and not _spoken(segments)):
            log.info("decoding the full window", reason="looped" if looped else "no text")
            with _whole_window():
                segments = self._decode(audio, interim, timestamps)
        return segments

    def _decode(self, audio: Audio, interim: bool, timestamps: bool) -> list[Any]:
        try:
            segments, _info = self._model().transcribe(
                audio,
                language=self.language,
                beam_size=1 if interim else self.beam_size,
                condition_on_previous_text=False,
                word_timestamps=not interim,
                without_timestamps=not timestamps,
                vad_filter=False,
                temperature=0.0 if interim else (0.0, 0.4, 0.8),
            )
            return list(segments)
        except EngineUnavailable:
            raise
        except Exception as exc:
            raise ServiceError(f"{self.name} failed: {exc}", retryable=False) from exc


_MAX_WORDS_PER_SECOND = 6.0
_MAX_COMPRESSION = 2.4
_MIN_REPEATED_WORDS = 3
"""A phrase this long said again straight after itself, and nothing else, is taken for a loop
("You are now unmuted... You are now unmuted..." for a 1 s prompt); a shorter one ("Thank
you. Thank you.") is what people say."""


def _spoken(segments: list[Any]) -> bool:
    """Any segment with a letter or a digit in it."""
    return any(any(ch.isalnum() for ch in s.text) for s in segments)


def _looped(segments: list[Any], duration: float) -> bool:
    """Text no speaker produces in ``duration`` seconds: too many words, so repetitive it
    compresses like Whisper's own hallucination test (ratio above 2.4), or one phrase of
    several words over and over (a loop cut short by the end of the window)."""
    text = " ".join(s.text.strip() for s in segments).strip()
    if not text:
        return False
    if len(text.split()) > _MAX_WORDS_PER_SECOND * duration + 4:
        return True
    raw = text.encode()
    return len(raw) / len(zlib.compress(raw)) > _MAX_COMPRESSION or _repeats(text)


def _repeats(text: str) -> bool:
    """The whole text is one phrase of at least :data:`_MIN_REPEATED_WORDS` words, twice or
    more (punctuation and case aside)."""
    words = ["".join(ch for ch in w.lower() if ch.isalnum()) for w in text.split()]
    words = [w for w in words if w]
    for size in range(_MIN_REPEATED_WORDS, len(words) // 2 + 1):
        if len(words) % size == 0 and words == words[:size] * (len(words) // size):
            return True
    return False


def _collect(segments: list[Any], duration: float) -> Transcript:
    """Join faster-whisper segments, dropping ones Whisper itself marks as non-speech and
    ones without a letter or digit (on silence Whisper may give a lone ".")."""
    kept = [
        s
        for s in segments
        if any(ch.isalnum() for ch in s.text)
        and not (s.no_speech_prob > 0.6 and s.avg_logprob < -1.0)
    ]
    words = tuple(
        Word(
            word=w.word.strip(),
            start=round(max(0.0, min(float(w.start), duration)), 3),
            end=round(max(0.0, min(float(w.end), duration)), 3),
            probability=round(float(w.probability), 4),
        )
        for s in kept
        for w in (s.words or [])
        if w.word.strip()
    )
    text = " ".join(s.text.strip() for s in kept).strip()
    if not text:
        return Transcript("")
    start = words[0].start if words else 0.0
    end = words[-1].end if words else duration
    return Transcript(text, words, confidence_of(words), start, end)


__all__ = ["WhisperRecognizer"]
