"""Conversation topics, maintained incrementally as messages arrive.

Each message contributes its key phrases. When topics are asked for, phrases are embedded
(each distinct phrase once per conversation), grouped by embedding similarity, and scored by
frequency × centrality (similarity to the conversation's phrase centroid), so a phrase that
keeps coming back and sits at the centre of the conversation ranks first. A topic's parent
is a broader, higher-ranked topic: one whose words it contains ("pricing" ⊂ "pricing deck")
or that it closely resembles.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from callscribe.insights.cues import wordset
from callscribe.insights.loaders import Encoder, FloatArray, embedder
from callscribe.insights.records import MessageAnalysis, MessageInput, Topic
from callscribe.insights.sentiment import mean_sentiment

MERGE_SIMILARITY = 0.72
PARENT_SIMILARITY = 0.55
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
_STOP = wordset("the and for with our new old about from this that into")
_GENERIC = wordset(
    "meeting call thing things stuff lot bit guys everyone team way time week day today "
    "question questions update updates part point side idea ideas number numbers"
)


@dataclass(slots=True)
class _Phrase:
    surface: Counter[str] = field(default_factory=Counter)
    message_ids: list[str] = field(default_factory=list)


class TopicTracker:
    """Feed messages with :meth:`add`; ask :meth:`topics` at any time (thread-safe)."""

    def __init__(self, encoder: Encoder | None = None) -> None:
        self._encoder = encoder
        self._lock = threading.Lock()
        self._phrases: dict[str, _Phrase] = {}
        self._polarity: dict[str, float] = {}
        self._order: dict[str, int] = {}
        self._vectors: dict[str, FloatArray] = {}

    def add(self, message: MessageInput, analysis: MessageAnalysis) -> None:
        """Record a message's key phrases and sentiment."""
        with self._lock:
            self._order.setdefault(message.id, len(self._order))
            self._polarity[message.id] = analysis.sentiment.score
            phrases = analysis.phrases
            for phrase in phrases:
                key = _key(phrase)
                if not key or key in _GENERIC:
                    continue
                entry = self._phrases.setdefault(key, _Phrase())
                entry.surface[phrase] += 1
                if message.id not in entry.message_ids:
                    entry.message_ids.append(message.id)

    def topics(self, limit: int = 10) -> list[Topic]:
        """The current topics, best first."""
        with self._lock:
            keys = list(self._phrases)
            if not keys:
                return []
            self._embed_missing(keys)
            vectors = np.stack([self._vectors[k] for k in keys])
            counts = np.array([len(self._phrases[k].message_ids) for k in keys], dtype=np.float32)
            groups = _group(keys, vectors, counts)
            return self._build(keys, vectors, counts, groups, limit)

    def _embed_missing(self, keys: list[str]) -> None:
        missing = [k for k in keys if k not in self._vectors]
        if missing:
            encoder = self._encoder or embedder()
            for key, vector in zip(missing, encoder.encode(missing), strict=True):
                self._vectors[key] = vector

    def _build(
        self,
        keys: list[str],
        vectors: FloatArray,
        counts: FloatArray,
        groups: list[list[int]],
        limit: int,
    ) -> list[Topic]:
        centroid = (vectors * counts[:, None]).sum(axis=0)
        centroid /= float(np.linalg.norm(centroid)) or 1.0
        centrality = np.clip(vectors @ centroid, 0.05, None)
        raw = [float(sum(counts[i] * centrality[i] for i in g)) for g in groups]
        top = max(raw)
        ranked = sorted(range(len(groups)), key=lambda g: -raw[g])[:limit]
        heads = {g: max(groups[g], key=lambda i: (counts[i], len(keys[i]))) for g in ranked}
        out: list[Topic] = []
        for g in ranked:
            ids: list[str] = []
            for i in groups[g]:
                ids.extend(m for m in self._phrases[keys[i]].message_ids if m not in ids)
            head = heads[g]
            text = self._phrases[keys[head]].surface.most_common(1)[0][0]
            parents = [
                self._phrases[keys[heads[p]]].surface.most_common(1)[0][0]
                for p in ranked
                if raw[p] > raw[g] and _is_parent(keys, vectors, heads[p], head)
            ]
            ids.sort(key=lambda m: self._order[m])
            out.append(
                Topic(
                    text=text,
                    score=round(raw[g] / top, 4),
                    message_ids=tuple(ids),
                    sentiment=mean_sentiment(self._polarity[m] for m in ids),
                    parent_refs=tuple(parents[:1]),
                    root_words=tuple(dict.fromkeys(keys[i].split()[-1] for i in groups[g])),
                )
            )
        return sorted(_shared_parents(out, self._order), key=lambda t: -t.score)


def _key(phrase: str) -> str:
    words = _WORD.findall(phrase.lower())
    if words and words[-1].endswith("s") and len(words[-1]) > 3 and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _group(keys: list[str], vectors: FloatArray, counts: FloatArray) -> list[list[int]]:
    """Greedy clustering: most frequent phrases seed groups; others join the closest seed."""
    order = sorted(range(len(keys)), key=lambda i: (-counts[i], -len(keys[i])))
    groups: list[list[int]] = []
    seeds: list[int] = []
    for i in order:
        sims = [float(vectors[i] @ vectors[s]) for s in seeds]
        best = int(np.argmax(sims)) if sims else -1
        if best >= 0 and sims[best] >= MERGE_SIMILARITY:
            groups[best].append(i)
        else:
            seeds.append(i)
            groups.append([i])
    return groups


def _is_parent(keys: list[str], vectors: FloatArray, parent: int, child: int) -> bool:
    """A broader topic: its words are a subset of the child's ("pricing" of "pricing deck"),
    or it is a single word close in meaning to the child."""
    pw, cw = set(keys[parent].split()), set(keys[child].split())
    if pw < cw:
        return True
    close = float(vectors[parent] @ vectors[child]) >= PARENT_SIMILARITY
    return len(pw) == 1 < len(cw) and close


def _shared_parents(topics: list[Topic], order: dict[str, int]) -> list[Topic]:
    """Give topics that share a word ("Globex renewal", "Globex team") that word as a parent
    topic when no broader topic already covers them."""
    by_word: dict[str, list[int]] = {}
    for n, topic in enumerate(topics):
        for word in dict.fromkeys(_WORD.findall(topic.text)):
            if len(word) > 2 and word.lower() not in _STOP:
                by_word.setdefault(word.lower(), []).append(n)
    existing = {t.text.lower() for t in topics}
    out = list(topics)
    for word, members in by_word.items():
        orphans = [n for n in members if not out[n].parent_refs]
        if len(members) < 2 or len(orphans) < 2 or word in existing:
            continue
        surface = next(w for w in _WORD.findall(topics[members[0]].text) if w.lower() == word)
        ids = tuple(
            sorted({m for n in members for m in topics[n].message_ids}, key=lambda m: order[m])
        )
        polarity = [topics[n].sentiment.score for n in members]
        for n in orphans:
            out[n] = replace(out[n], parent_refs=(surface,))
        out.append(
            Topic(
                text=surface,
                score=max(topics[n].score for n in members),
                message_ids=ids,
                sentiment=mean_sentiment(polarity),
                root_words=(word,),
            )
        )
        existing.add(word)
    return out


__all__ = ["TopicTracker"]
