"""A small classifier over MiniLM embeddings and rule features, fitted at load time.

Rules alone over-fire on meeting chatter and hedged small talk; three logistic-regression
heads (question? task? follow-up rather than action item?) over the sentence embedding plus
the rule features learn what the word patterns miss. They are fitted from the labelled
sentences that ship in ``data/intent_train.tsv`` (the benchmark's training split; its
held-out split lives in ``bench/insights`` and is never used here), which takes about a
second and keeps the weights in step with the data.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from callscribe.insights import intent
from callscribe.insights.loaders import FloatArray, embedder, parse
from callscribe.log import get_logger

log = get_logger(__name__)

# Rule features are 0/1 while embedding components are ~0.05: scale them to matter.
CUE_SCALE = 0.5
# Regularisation strength (sklearn's C), chosen by cross-validation on the training split.
C = 4.0

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


def training_data() -> list[Labelled]:
    """The labelled training sentences shipped with the package."""
    path = resources.files("callscribe.insights") / "data" / "intent_train.tsv"
    return parse_labelled(path.read_text(encoding="utf-8").splitlines())


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


def fit(data: list[Labelled], x: FloatArray) -> IntentClassifier:
    """Fit the three heads on labelled rows ``x`` (same order as ``data``)."""
    from sklearn.linear_model import LogisticRegression

    def head(rows: npt.NDArray[np.bool_], label: str) -> Any:
        y = np.array([label in d.labels for d, keep in zip(data, rows, strict=True) if keep])
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
        model.fit(x[rows], y)
        return model

    every = np.ones(len(data), dtype=bool)
    tasks = np.array(["task" in d.labels for d in data])
    return IntentClassifier(head(every, "question"), head(every, "task"), head(tasks, "follow_up"))


_lock = threading.Lock()
_fitted: IntentClassifier | None = None


def classifier() -> IntentClassifier:
    """The classifier fitted on the shipped training data (once per process)."""
    global _fitted
    if _fitted is None:
        with _lock:
            if _fitted is None:
                data = training_data()
                texts = [d.text for d in data]
                x = features(embedder().encode(texts), cue_vectors(texts))
                _fitted = fit(data, x)
                log.info("insights.classifier_fitted", sentences=len(data))
    return _fitted


__all__ = [
    "IntentClassifier",
    "Labelled",
    "classifier",
    "cue_vectors",
    "features",
    "fit",
    "parse_labelled",
    "training_data",
]
