"""Model loading: once, single-threaded torch, safe to call from several threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import torch

from callscribe.insights import ConversationContext, InsightEngine, MessageInput, Person, loaders

T0 = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)


def test_models_load_once_with_one_torch_thread(engine: InsightEngine) -> None:
    assert torch.get_num_threads() == 1
    assert loaders.embedder() is loaders.embedder()
    assert loaders.spacy_pipeline() is loaders.spacy_pipeline()
    vectors = loaders.embedder().encode(["send the deck", "send the slides", "it is raining"])
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_concurrent_analyze_matches_sequential(engine: InsightEngine) -> None:
    ctx = ConversationContext(start=T0)
    texts = [
        "I'll send the contract by Friday.",
        "can you hear me",
        "What's the budget for the offsite?",
        "Let's schedule a call with legal next week.",
    ] * 3
    msgs = [MessageInput(str(i), t, Person("Ann"), T0, T0) for i, t in enumerate(texts)]
    sequential = [engine.analyze(m, ctx) for m in msgs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda m: engine.analyze(m, ctx), msgs))
    assert parallel == sequential
