"""Key phrases of a message: noun phrases without their determiners, plus the verb phrase
of a task ("send the pricing deck"), in order of appearance.

Cheap by design (it reuses the parse the other extractors already need); topics are built
from these per-message phrases.
"""

from __future__ import annotations

from typing import Any

from callscribe.insights.cues import wordset

_DROP_LEADING = wordset(
    "the a an this that these those my our your their his her its some any every each "
    "all another such what which whose"
)
_SKIP_POS = frozenset({"PRON", "NUM"})
_SKIP_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})
_FILLER = wordset(
    "thing things stuff lot bit kind sort way time today tomorrow week guys everyone everybody "
    "anyone someone people one ones question questions idea point end beginning start"
)


def noun_phrases(span: Any) -> list[tuple[str, int]]:
    """Noun chunks of a parsed span as (text, start offset in the doc), determiners dropped."""
    out: list[tuple[str, int]] = []
    for chunk in span.noun_chunks:
        tokens = [t for t in chunk if not t.is_punct]
        while tokens and (tokens[0].lower_ in _DROP_LEADING or tokens[0].pos_ in _SKIP_POS):
            tokens = tokens[1:]
        if not tokens or all(t.is_stop or t.ent_type_ in _SKIP_ENTS for t in tokens):
            continue
        if len(tokens) == 1 and (tokens[0].lower_ in _FILLER or tokens[0].pos_ == "PROPN"):
            continue
        begin, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        out.append((span.doc.text[begin:end], begin))
    return out


def verb_phrase(span: Any) -> str | None:
    """The main verb with its object ("send the pricing deck"), when the sentence has one."""
    for token in span:
        if token.pos_ == "VERB" and token.dep_ in {"ROOT", "xcomp", "conj"}:
            objects = [c for c in token.children if c.dep_ in {"dobj", "obj"}]
            if objects and objects[0].pos_ != "PRON":
                obj = objects[0]
                parts = [token, *[t for t in obj.subtree if t.dep_ != "relcl"]]
                particles = [c for c in token.children if c.dep_ == "prt"]
                words = [token.text, *[p.text for p in particles]]
                words += [t.text for t in parts[1:] if not t.is_punct]
                return " ".join(words)
    return None


def key_phrases(span: Any, *, task: bool = False) -> tuple[str, ...]:
    """Phrases of a parsed span; with ``task`` the task's verb phrase comes first."""
    seen: dict[str, str] = {}
    if task and (vp := verb_phrase(span)) is not None:
        seen[vp.lower()] = vp
    for text, _begin in noun_phrases(span):
        seen.setdefault(text.lower(), text)
    return tuple(seen.values())


__all__ = ["key_phrases", "noun_phrases", "verb_phrase"]
