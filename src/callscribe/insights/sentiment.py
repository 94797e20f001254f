"""Message sentiment: VADER's compound polarity, bucketed the way Symbl does.

VADER beat TextBlob and a spaCy text classifier on hand-labelled meeting sentences and
costs ~0.03 ms, so it runs on every final message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from callscribe.insights.loaders import vader
from callscribe.insights.records import Sentiment, SentimentLabel

_SENTENCES = re.compile(r"(?<=[.?!])\s+")
POSITIVE_ABOVE = 0.3
NEGATIVE_BELOW = -0.3


def bucket(score: float) -> SentimentLabel:
    """Symbl's suggested label: < -0.3 negative, > 0.3 positive, else neutral."""
    if score > POSITIVE_ABOVE:
        return "positive"
    if score < NEGATIVE_BELOW:
        return "negative"
    return "neutral"


def score_text(text: str) -> Sentiment:
    """Polarity of ``text`` in [-1, 1] with its bucket.

    Scored sentence by sentence, then averaged over the sentences that carry sentiment,
    weighted by their length: VADER's negation looks three words back, across sentence
    ends ("Not from me. Thanks, this was great." would read as a negated "thanks"), and a
    short aside ("Honestly, it's been rough.") should not outweigh a long complaint.
    """
    analyser = vader()
    scored = [
        (float(analyser.polarity_scores(s)["compound"]), len(s.split()))
        for s in _SENTENCES.split(text)
    ]
    signed = [(score, words) for score, words in scored if score != 0.0]
    weight = sum(words for _, words in signed)
    compound = sum(score * words for score, words in signed) / weight if weight else 0.0
    score = round(max(-1.0, min(1.0, compound)), 4)
    return Sentiment(score=score, suggested=bucket(score))


def mean_sentiment(scores: Iterable[float]) -> Sentiment:
    """Mean polarity of several messages (topic sentiment), bucketed."""
    values = list(scores)
    mean = round(sum(values) / len(values), 4) if values else 0.0
    return Sentiment(score=mean, suggested=bucket(mean))


__all__ = ["NEGATIVE_BELOW", "POSITIVE_ABOVE", "bucket", "mean_sentiment", "score_text"]
