"""The Asterisk core prompts in Spanish (Debian asterisk-core-sounds-es, -es-wav): real speech
in another language than English, with its transcripts.

One speaker (Mexican Spanish), 8 kHz WAV, CC-BY-SA-3.0 as the English set. The transcripts
are in ``core-sounds-es.txt`` and often drop accents ("contrasena", "numero"), so both sides
are scored without accents, case or punctuation. Kept: prompts of at least three words with
no ``[...]`` notes and no digits (written "1", spoken "uno").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bench.asr.corpus import transcripts

SOUNDS = Path("/usr/share/asterisk/sounds/es_MX_f_Allison")
TEXTS = Path("/usr/share/doc/asterisk-core-sounds-es/core-sounds-es.txt.gz")
LANGUAGE_CODE = "es-MX"
_ODD = re.compile(r"[\[\]<>()@&%$=+/\\\"\d]")


@dataclass(frozen=True, slots=True)
class SpanishPrompt:
    name: str
    text: str

    @property
    def wav(self) -> Path:
        return SOUNDS / f"{self.name}.wav"


def available() -> bool:
    return TEXTS.is_file() and SOUNDS.is_dir()


def prompts() -> list[SpanishPrompt]:
    """The filtered prompts, sorted by name."""
    found = (SpanishPrompt(name, text) for name, text in transcripts(TEXTS, _ODD))
    return sorted((p for p in found if p.wav.is_file()), key=lambda p: p.name)


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed (the transcripts are inconsistent)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def wer(references: list[str], hypotheses: list[str]) -> float:
    import jiwer

    return float(jiwer.wer([normalise(r) for r in references], [normalise(h) for h in hypotheses]))


__all__ = ["LANGUAGE_CODE", "SpanishPrompt", "available", "normalise", "prompts", "wer"]
