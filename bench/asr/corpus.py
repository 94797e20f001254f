"""The Asterisk core prompts (Debian asterisk-core-sounds-en*) as a speech corpus with references.

568 real recordings by one speaker, CC-BY-SA-3.0. We keep prompts of at least three words whose
text has no ``[...]``/``<...>`` notes, no multi-digit numbers and no symbols other than
``# *`` (read as "pound"/"star"), and that exist both as 8 kHz WAV and as 16 kHz G.722:
279 utterances, about 19 minutes.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

SOUNDS = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
TEXTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
_LINE = re.compile(r"^([A-Za-z0-9_/\-]+):\s*(.*\S)\s*$")
_ODD = re.compile(r"[\[\]<>()@&%$=+/\\\"]|\d\d|\d[.,]\d")


@dataclass(frozen=True, slots=True)
class Prompt:
    """One recording and its verbatim text."""

    name: str
    text: str

    @property
    def wav(self) -> Path:
        return SOUNDS / f"{self.name}.wav"

    @property
    def g722(self) -> Path:
        return SOUNDS / f"{self.name}.g722"


def available() -> bool:
    """True when the Debian packages are installed."""
    return TEXTS.is_file() and SOUNDS.is_dir()


def transcripts(path: Path, odd: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """(name, text) of each prompt an Asterisk ``core-sounds-*.txt.gz`` lists, keeping those
    of at least three words that ``odd`` finds nothing in."""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            match = _LINE.match(line)
            if match is None:
                continue
            name, text = match.groups()
            if not odd.search(text) and len(text.split()) >= 3:
                yield name, text


def prompts() -> list[Prompt]:
    """The filtered prompt list, sorted by name (stable across runs)."""
    found = (Prompt(name, text) for name, text in transcripts(TEXTS, _ODD))
    out = [p for p in found if p.wav.is_file() and p.g722.is_file()]
    return sorted(out, key=lambda p: p.name)


def subset(count: int, *, max_seconds: float = 12.0) -> list[Prompt]:
    """``count`` prompts spread evenly over the sorted list, each at most ``max_seconds`` long."""
    short = [p for p in prompts() if p.wav.stat().st_size - 44 <= max_seconds * 16000]
    step = max(1, len(short) // count)
    return short[::step][:count]


def load_g722(path: Path) -> NDArray[np.float32]:
    """Decode a raw G.722 file (64 kbit/s) to float32 at 16 kHz."""
    import G722

    codec = G722.G722(16000, 64000)
    ints = np.asarray(codec.decode(path.read_bytes()), dtype=np.int16)
    return (ints.astype(np.float32) / 32768.0).astype(np.float32)


def reference(text: str) -> str:
    """The text as spoken: keypad symbols read out."""
    return text.replace("#", " pound ").replace("*", " star ")


def wer(references: list[str], hypotheses: list[str]) -> float:
    """Word error rate after Whisper's English normaliser on both sides."""
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    norm = EnglishTextNormalizer()
    refs = [norm(reference(r)) for r in references]
    hyps = [norm(h) for h in hypotheses]
    pairs = [(r, h) for r, h in zip(refs, hyps, strict=True) if r.strip()]
    return float(jiwer.wer([r for r, _ in pairs], [h for _, h in pairs]))
