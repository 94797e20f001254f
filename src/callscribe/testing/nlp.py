"""Model-free stand-ins for the NLP worker, for tests of what surrounds the insights.

``WordEngine`` finds a question in a sentence ending with "?" and an action item in one that
says "I will"; ``HashingEncoder`` embeds by hashed words. Deterministic, instant, and enough to
exercise storage, events, topics and the summary without loading spaCy or MiniLM.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Sequence

import numpy as np

from callscribe.insights.loaders import FloatArray
from callscribe.insights.records import (
    ConversationContext,
    Insight,
    MessageAnalysis,
    MessageInput,
    Person,
    Sentiment,
)

_SENTENCE = re.compile(r"[^.?!]+[.?!]?")
_PROMISE = re.compile(r"\bI will\b", re.IGNORECASE)


class WordEngine:
    """Questions end with "?"; action items say "I will" (the speaker's own)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        """Cleared, it holds every analysis until set (to test a slow NLP stage)."""
        self.gate.set()

    def warm_up(self) -> None:
        pass

    def analyze(
        self,
        message: MessageInput,
        context: ConversationContext,
        *,
        previous_speaker: Person | None = None,
    ) -> MessageAnalysis:
        self.gate.wait(30)
        insights: list[Insight] = []
        for match in _SENTENCE.finditer(message.text):
            sentence = match.group(0).strip()
            if sentence.endswith("?"):
                insights.append(Insight("question", sentence, message.id, 0.9, message.speaker))
            elif _PROMISE.search(sentence):
                insights.append(
                    Insight(
                        "action_item", sentence, message.id, 0.9, message.speaker, message.speaker
                    )
                )
        phrases = tuple(w.lower() for w in re.findall(r"[A-Za-z]{7,}", message.text))
        return MessageAnalysis(
            message.id, Sentiment(0.0, "neutral"), tuple(insights), phrases=phrases
        )

    def analyze_many(
        self, messages: Sequence[MessageInput], context: ConversationContext
    ) -> list[MessageAnalysis]:
        return [self.analyze(m, context) for m in messages]


class HashingEncoder:
    """Unit vectors of hashed words (64 dimensions)."""

    def encode(self, texts: list[str]) -> FloatArray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        vectors: FloatArray = (out / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        return vectors


__all__ = ["HashingEncoder", "WordEngine"]
