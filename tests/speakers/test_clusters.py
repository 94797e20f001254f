"""Online clustering and the second pass, on vectors whose answers are known."""

from __future__ import annotations

import numpy as np

from callscribe.speakers.clusters import ClusterConfig, OnlineClusters, refine
from callscribe.speakers.encoder import unit


def voice(seed: int) -> np.ndarray:
    return unit(np.random.default_rng(seed).normal(size=192).astype(np.float32))


def near(v: np.ndarray, seed: int, noise: float = 0.3) -> np.ndarray:
    jitter = np.random.default_rng(seed).normal(size=192).astype(np.float32) * noise / 14
    return unit((v + jitter).astype(np.float32))


def test_a_new_voice_founds_a_speaker_only_when_long_enough() -> None:
    a, b = voice(1), voice(2)
    clusters = OnlineClusters(ClusterConfig(threshold=0.6, min_new=1.5))
    assert clusters.assign(near(a, 10), 0.8) is None  # too short to found the first speaker
    first = clusters.assign(near(a, 11), 3.0)
    assert first is not None
    assert first.new
    assert first.cluster == 0
    short_b = clusters.assign(near(b, 12), 1.0)
    assert short_b is not None
    assert short_b.cluster == 0
    assert not short_b.new
    long_b = clusters.assign(near(b, 13), 2.0)
    assert long_b is not None
    assert long_b.new
    assert long_b.cluster == 1
    again = clusters.assign(near(a, 14), 1.2)
    assert again is not None
    assert again.cluster == 0
    assert again.similarity > 0.6
    assert len(clusters) == 2


def test_a_known_number_of_speakers_is_never_exceeded() -> None:
    clusters = OnlineClusters(ClusterConfig(threshold=0.6, max_speakers=2))
    found = [clusters.assign(voice(s), 3.0) for s in (1, 2, 3, 4)]
    assert [f.cluster for f in found if f][:2] == [0, 1]
    assert len(clusters) == 2


def test_the_second_pass_moves_an_early_mistake_and_merges_down_to_a_count() -> None:
    a, b, c = voice(1), voice(2), voice(3)
    embeddings = [near(a, 20), near(b, 21), near(a, 22), near(b, 23), near(c, 24), near(a, 25)]
    online = [0, 0, 0, 1, 2, 0]  # the second stretch (b) went to a while b was unknown
    weights = [5.0] * 6
    assert refine(embeddings, weights, online) == [0, 1, 0, 1, 2, 0]
    merged = refine(embeddings, weights, online, speakers=2)
    assert len(set(merged)) == 2
    assert merged[0] == merged[2] == merged[5]
    assert merged[1] == merged[3]


def test_a_stray_voice_with_next_to_no_speech_joins_the_one_it_is_most_like() -> None:
    a, b = voice(1), voice(2)
    embeddings = [near(a, 30), near(b, 31), near(a, 32), near(b, 33), near(b, 34, noise=3.0)]
    weights = [10.0, 10.0, 10.0, 10.0, 1.5]
    assert refine(embeddings, weights, [0, 1, 0, 1, 2]) == [0, 1, 0, 1, 1]


def test_until_a_voice_is_known_only_a_close_match_joins_it() -> None:
    a = voice(1)
    clusters = OnlineClusters(ClusterConfig(threshold=0.5, young=0.9))
    clusters.assign(a, 3.0)
    similar = unit((a + voice(2) * 0.8).astype(np.float32))  # ~0.78 alike: not close enough
    found = clusters.assign(similar, 3.0)
    assert found is not None
    assert found.new


def blend(a: np.ndarray, b: np.ndarray, share: float) -> np.ndarray:
    """A voice ``share`` of the way from ``a`` to ``b``."""
    return unit((a * (1 - share) + b * share).astype(np.float32))


def test_a_voice_split_early_is_one_again_but_a_like_voice_stays_apart() -> None:
    a, b = voice(1), voice(2)
    twin = blend(a, b, 0.45)  # another person, alike a (~0.77) yet less than a is to itself
    embeddings = [
        near(a, 40),
        near(a, 41),
        near(a, 42),
        near(a, 43),
        near(twin, 44),
        near(twin, 45),
    ]
    weights = [5.0] * 6
    online = [0, 0, 0, 2, 1, 1]  # a's fourth stretch founded a speaker while a was young
    config = ClusterConfig(threshold=0.6, margin=0.15)
    assert refine(embeddings, weights, online) == online  # without ``join``: left split
    assert refine(embeddings, weights, online, join=config) == [0, 0, 0, 0, 1, 1]
    assert float(a @ twin) > config.threshold  # it is above the threshold alone


def test_a_stray_voice_unlike_everyone_is_kept_when_asked() -> None:
    a, b, c = voice(1), voice(2), voice(3)
    embeddings = [near(a, 50), near(b, 51), near(a, 52), near(b, 53), near(c, 54)]
    weights = [10.0, 10.0, 10.0, 10.0, 3.0]  # c said "bye everyone" and nothing else
    labels = [0, 1, 0, 1, 2]
    assert refine(embeddings, weights, labels, stray_above=0.5) == labels
    assert refine(embeddings, weights, labels)[4] in (0, 1)
