"""Conversation summaries: extractive by default, abstractive through an operator's
OpenAI-compatible chat-completions endpoint when one is configured.

Extractive: LexRank (PageRank over MiniLM cosine similarities) picks the most central
messages, with a bonus for messages that carry action items or follow-ups, returned in the
order they were said. Abstractive asks the endpoint for short bullet lines citing message
ids; any failure of the endpoint (network, status, malformed answer) falls back to the
extractive summary, so the product works fully without it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
import numpy as np

from callscribe.insights.cues import CHATTER
from callscribe.insights.loaders import Encoder, embedder
from callscribe.insights.records import MessageAnalysis, MessageInput, SummaryItem
from callscribe.log import get_logger

log = get_logger(__name__)

DAMPING = 0.85
EDGE_THRESHOLD = 0.25
TASK_BONUS = 0.2
MAX_TRANSCRIPT_CHARS = 24_000
_IDS = re.compile(r"\[([^\]]+)\]\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


@dataclass(frozen=True, slots=True)
class LLMEndpoint:
    """An OpenAI-compatible chat-completions endpoint (``url`` is the base, e.g. ``…/v1``,
    or the full ``…/chat/completions`` address)."""

    url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0


def summarize(
    messages: Sequence[MessageInput],
    analyses: Sequence[MessageAnalysis] = (),
    *,
    endpoint: LLMEndpoint | None = None,
    client: httpx.Client | None = None,
    max_items: int | None = None,
    encoder: Encoder | None = None,
) -> list[SummaryItem]:
    """Summary items of a conversation; abstractive when ``endpoint`` is set and answers."""
    if not messages:
        return []
    if endpoint is not None:
        try:
            items = abstractive(messages, endpoint, client=client)
        except (httpx.HTTPError, ValueError, KeyError, TypeError, IndexError) as exc:
            log.warning("insights.summary_llm_failed", error=str(exc), url=endpoint.url)
        else:
            if items:
                return items
            log.warning("insights.summary_llm_empty", url=endpoint.url)
    return extractive(messages, analyses, max_items=max_items, encoder=encoder)


def extractive(
    messages: Sequence[MessageInput],
    analyses: Sequence[MessageAnalysis] = (),
    *,
    max_items: int | None = None,
    encoder: Encoder | None = None,
) -> list[SummaryItem]:
    """The most central messages (LexRank), in conversation order."""
    pool = [m for m in messages if len(m.text.split()) >= 5 and not CHATTER.search(m.text)]
    if not pool:
        pool = [m for m in messages if m.text.strip()]
    if not pool:
        return []
    k = max_items or min(8, max(3, round(len(pool) / 8)))
    tasks = {a.message_id for a in analyses for i in a.insights if i.type != "question"}
    vectors = (encoder or embedder()).encode([m.text for m in pool])
    sims = vectors @ vectors.T
    adjacency = (sims >= EDGE_THRESHOLD).astype(np.float64)
    np.fill_diagonal(adjacency, 0.0)
    degree = adjacency.sum(axis=1, keepdims=True)
    degree[degree == 0] = 1.0
    transition = adjacency / degree
    n = len(pool)
    rank = np.full(n, 1.0 / n)
    for _ in range(100):
        updated = (1 - DAMPING) / n + DAMPING * transition.T @ rank
        if float(np.abs(updated - rank).sum()) < 1e-8:
            rank = updated
            break
        rank = updated
    scores = rank / rank.max() + np.array([TASK_BONUS if m.id in tasks else 0.0 for m in pool])
    chosen = sorted(np.argsort(-scores)[:k].tolist())
    return [SummaryItem(pool[i].text, (pool[i].id,)) for i in chosen]


def abstractive(
    messages: Sequence[MessageInput],
    endpoint: LLMEndpoint,
    *,
    client: httpx.Client | None = None,
) -> list[SummaryItem]:
    """Ask the endpoint for a bullet summary; raises httpx/ValueError errors on failure."""
    lines, size = [], 0
    for m in messages:
        line = f"[{m.id}] {m.speaker.name}: {m.text}"
        size += len(line) + 1
        if size > MAX_TRANSCRIPT_CHARS:
            break
        lines.append(line)
    prompt = (
        "Summarise this meeting transcript in 3 to 8 short bullet points covering decisions, "
        "action items and key discussion. Start each bullet with '- ' and end it with the ids "
        "of the messages it comes from in square brackets, e.g. [m1, m4].\n\n" + "\n".join(lines)
    )
    body = {
        "model": endpoint.model,
        "messages": [
            {"role": "system", "content": "You write concise, factual meeting summaries."},
            {"role": "user", "content": prompt},
        ],
        "temperature": 0.2,
    }
    url = endpoint.url.rstrip("/")
    if not url.endswith("/chat/completions"):
        url += "/chat/completions"
    headers = {"Authorization": f"Bearer {endpoint.api_key}"} if endpoint.api_key else {}
    own = client is None
    http = client or httpx.Client(timeout=endpoint.timeout)
    try:
        response = http.post(url, json=body, headers=headers, timeout=endpoint.timeout)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    finally:
        if own:
            http.close()
    if not isinstance(content, str):
        raise ValueError("chat completion content is not a string")
    return _parse_bullets(content, [m.id for m in messages])


def _parse_bullets(content: str, known: list[str]) -> list[SummaryItem]:
    items: list[SummaryItem] = []
    valid = set(known)
    for raw in content.splitlines():
        if not raw.strip():
            continue
        line = _BULLET.sub("", raw).strip()
        ids: tuple[str, ...] = ()
        if m := _IDS.search(line):
            ids = tuple(i.strip() for i in m.group(1).split(",") if i.strip() in valid)
            line = line[: m.start()].rstrip()
        if line:
            items.append(SummaryItem(line, ids))
    return items


__all__ = ["LLMEndpoint", "abstractive", "extractive", "summarize"]
