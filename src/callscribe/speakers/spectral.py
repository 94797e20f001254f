"""Speakers of a whole call at once: spectral clustering of short voice windows.

The online pass decides as it goes, from what it has heard so far: when two voices are alike
(two men on a phone line), the first speaker's centroid absorbs the second's early speech, grows
more like everyone, and the second voice is never founded. At the end of a call every voice is
known, so the call's windows (about 1.5 s of speech each) are clustered afresh:

* an affinity graph keeps, for each window, only its ``keep`` share of most similar windows
  (cosine): windows of one voice stay linked, links between alike voices are cut;
* the number of speakers is where the graph Laplacian's eigenvalues jump (the eigengap), unless
  the caller knows it;
* the windows are split by k-means on the Laplacian's first eigenvectors;
* two speakers whose voices are more alike than ``merge_above`` are one (the eigengap can split
  one voice whose windows differ, say by loudness).

Pure: numpy in, labels out. Chosen on ``bench.speakers``' tune calls (and same-sex calls of
the tune voices), never on its score calls.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from callscribe.speakers.encoder import unit

KEEP = 0.25
"""Share of each window's most similar windows that stay linked to it."""
MAX_SPEAKERS = 6
"""The most speakers the eigengap may find (a caller's count may be higher)."""
MERGE_ABOVE = 0.85
"""Two speakers whose window centroids are at least this alike (cosine) are one."""
RESTARTS = 8
ITERATIONS = 50


def spectral_clusters(
    vectors: NDArray[np.float32],
    *,
    speakers: int | None = None,
    keep: float = KEEP,
    max_speakers: int = MAX_SPEAKERS,
    merge_above: float = MERGE_ABOVE,
) -> NDArray[np.int64]:
    """A speaker per row of ``vectors`` (unit voice embeddings), numbered 0, 1, … in order of
    first appearance. ``speakers``: the number the caller knows (no eigengap, no merging)."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n < 3 or speakers == 1:
        return np.zeros(n, dtype=np.int64)
    laplacian = _laplacian(vectors, keep)
    values, vecs = np.linalg.eigh(laplacian)
    if speakers is not None:
        k = min(speakers, n)
    else:
        top = min(max_speakers, n - 1)
        k = int(np.argmax(np.diff(values[: top + 1]))) + 1

    labels = _kmeans(vecs[:, :k], k) if k > 1 else np.zeros(n, dtype=np.int64)
    if speakers is None:
        labels = _merge_alike(vectors, labels, merge_above)
    return _in_order(labels)


def _laplacian(vectors: NDArray[np.float32], keep: float) -> NDArray[np.float64]:
    """The unnormalised Laplacian of the pruned, symmetric affinity graph."""
    n = len(vectors)
    similarity = (vectors @ vectors.T).astype(np.float64)
    kept = max(2, round(keep * n))
    nearest = np.argsort(-similarity, axis=1)[:, :kept]
    affinity = np.zeros_like(similarity)
    rows = np.arange(n)[:, None]
    affinity[rows, nearest] = similarity[rows, nearest]
    affinity = np.maximum(0.5 * (affinity + affinity.T), 0.0)
    return np.diag(affinity.sum(axis=1)) - affinity


def _kmeans(points: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """k-means++ with a fixed seed (the same call always gets the same speakers), the best
    of a few restarts by inertia."""
    rng = np.random.default_rng(0)
    best: tuple[float, NDArray[np.int64]] | None = None
    for _ in range(RESTARTS):
        centres = _seeds(points, k, rng)
        labels = np.zeros(len(points), dtype=np.int64)
        for _ in range(ITERATIONS):
            distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
            labels = np.argmin(distances, axis=1)
            moved = np.stack(
                [
                    points[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
                    for j in range(k)
                ]
            )
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = float(((points - centres[labels]) ** 2).sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels)
    assert best is not None
    return best[1]


def _seeds(points: NDArray[np.float64], k: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """k-means++ starting centres: each next one far from those chosen, by squared distance."""
    centres = [points[int(rng.integers(len(points)))]]
    for _ in range(1, k):
        distance = ((points[:, None, :] - np.stack(centres)[None]) ** 2).sum(axis=2).min(axis=1)
        total = float(distance.sum())
        pick = int(rng.choice(len(points), p=distance / total)) if total > 0 else 0
        centres.append(points[pick])
    return np.stack(centres)


def _merge_alike(
    vectors: NDArray[np.float32], labels: NDArray[np.int64], above: float
) -> NDArray[np.int64]:
    """Merge the most alike pair of speakers while their centroids are at least ``above``."""
    labels = labels.copy()
    while True:
        keys = sorted(set(labels.tolist()))
        if len(keys) < 2:
            return labels
        centroids = {k: unit(vectors[labels == k].mean(axis=0)) for k in keys}
        similarity, keep, drop = max(
            (float(centroids[a] @ centroids[b]), a, b)
            for i, a in enumerate(keys)
            for b in keys[i + 1 :]
        )
        if similarity < above:
            return labels
        labels[labels == drop] = keep


def _in_order(labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """The same partition, numbered by first appearance."""
    order: dict[int, int] = {}
    for label in labels.tolist():
        order.setdefault(label, len(order))
    return np.array([order[x] for x in labels.tolist()], dtype=np.int64)


__all__ = ["KEEP", "MAX_SPEAKERS", "MERGE_ABOVE", "spectral_clusters"]
