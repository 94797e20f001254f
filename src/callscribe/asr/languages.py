"""Languages: Symbl's BCP-47 ``languageCode`` (``es-ES``, ``de-DE``…) to the recogniser's
language, and what callscribe can tell about a conversation in each language.

English goes to the configured engine (English-only by default, the fastest); any other
language Whisper was trained on goes to the multilingual engine (``ASR_MULTILINGUAL_ENGINE``,
Whisper base by default), told the language rather than guessing it. The insight extractors
are English-only: a conversation in another language gets its transcript, speakers, trackers
(exact phrases) and analytics (talk time, pace), and says so.
"""

from __future__ import annotations

import re

from faster_whisper.tokenizer import _LANGUAGE_CODES

from callscribe.errors import ValidationFailed

ENGLISH = "en"
WHISPER_LANGUAGES = frozenset(_LANGUAGE_CODES)
"""ISO 639-1 codes (and Whisper's few three-letter ones) the multilingual models recognise."""

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")

ALL_INSIGHTS = (
    "transcript",
    "speakers",
    "questions",
    "actionItems",
    "followUps",
    "topics",
    "entities",
    "sentiment",
    "summary",
    "trackers",
    "analytics",
)
LANGUAGE_NEUTRAL = ("transcript", "speakers", "trackers", "analytics")
"""What does not depend on understanding English: the rest needs the English extractors."""


def whisper_language(code: str, field: str = "languageCode") -> str:
    """The recogniser's language for a BCP-47 tag (``es-ES`` -> ``es``); ``ValidationFailed``
    (400) naming the tag when it is malformed or no installed model knows the language."""
    match = _TAG.match(code.strip())
    if match is None:
        raise ValidationFailed(f"{field}: {code!r} is not a language tag (e.g. en-US, es-ES)")
    language = match[1].lower()
    if language not in WHISPER_LANGUAGES:
        raise ValidationFailed(
            f"{field}: {code!r} is not a language the speech models know "
            "(they know the ISO 639-1 languages Whisper was trained on, e.g. es, de, fr, ja)"
        )
    return language


def insights_available(language: str | None) -> list[str]:
    """What a conversation in ``language`` gets (None: detected per utterance, treated as
    English for insights)."""
    return list(ALL_INSIGHTS if language in (None, ENGLISH) else LANGUAGE_NEUTRAL)


__all__ = [
    "ALL_INSIGHTS",
    "ENGLISH",
    "LANGUAGE_NEUTRAL",
    "WHISPER_LANGUAGES",
    "insights_available",
    "whisper_language",
]
