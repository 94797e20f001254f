"""The meeting the bridge simulator plays: a recording plus, optionally, its script.

The bundled meeting's script (speaker, text, start, end) ships beside its audio so tests can
score recognition and the demo can announce who speaks when; regenerate both with
``make_meeting.py``. Any other recording a user has (any format the audio decoder reads) can be
played instead, with a script of the same shape — ``{"lines": [{"speaker", "text", "start",
"end"}, ...]}``, times in seconds from the start of the recording — or without one.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from callscribe.audio.g711 import mulaw_to_s16
from callscribe.bridge import ulaw
from callscribe.errors import UnsupportedMedia, ValidationFailed

AUDIO_FILE = "meeting.wav"
SCRIPT_FILE = "meeting.json"


@dataclass(frozen=True)
class Line:
    """One utterance of the meeting; times in seconds from the start of the audio."""

    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Meeting:
    """The meeting's 16 kHz mono PCM (s16le) and its script."""

    pcm: bytes
    sample_rate: int
    lines: tuple[Line, ...]

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.speaker for line in self.lines))

    def transcript(self) -> str:
        """The reference text, one utterance after another."""
        return " ".join(line.text for line in self.lines)

    def pcm_at(self, sample_rate: int, channels: int = 1) -> bytes:
        """The audio converted for a call: 8/16/48 kHz, mono or (duplicated) stereo."""
        return convert(self.pcm, self.sample_rate, sample_rate, channels)


def convert(pcm: bytes, rate_in: int, rate_out: int, channels: int) -> bytes:
    """Convert 16 kHz mono s16le to 8 kHz (pair mean), 16 kHz or 48 kHz (linear), 1-2 channels.

    Deliberately simple: the bridge is a test peer, and these integer ratios are the only ones
    SIP codecs negotiate (G.711 8 kHz, G.722 16 kHz, Opus 48 kHz).
    """
    if rate_in != 16000 or rate_out not in (8000, 16000, 48000) or channels not in (1, 2):
        raise UnsupportedMedia(f"cannot convert {rate_in} Hz to {rate_out} Hz x{channels}")
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    out: list[int]
    if rate_out == 8000:
        out = [(samples[i] + samples[i + 1]) // 2 for i in range(0, len(samples) - 1, 2)]
    elif rate_out == 48000:
        out = []
        for a, b in zip(samples, (*samples[1:], samples[-1]), strict=True):
            out += (a, (2 * a + b) // 3, (a + 2 * b) // 3)
    else:
        out = list(samples)
    if channels == 2:
        out = [s for s in out for _ in (0, 1)]
    return struct.pack(f"<{len(out)}h", *out)


@cache
def bundled() -> Meeting:
    """The shipped meeting (decoded once per process)."""
    pkg = resources.files("callscribe.bridge")
    data, rate = ulaw.read_wav((pkg / AUDIO_FILE).read_bytes())
    lines = parse_script(json.loads((pkg / SCRIPT_FILE).read_text(encoding="utf-8")), SCRIPT_FILE)
    return Meeting(pcm=mulaw_to_s16(data), sample_rate=rate, lines=lines)


def load(audio: Path | None = None, script: Path | None = None) -> Meeting:
    """The bundled meeting, or ``audio`` (any format the decoder reads) with ``script``.

    Errors name the file and what is wrong with it (``UnsupportedMedia``, ``ValidationFailed``).
    """
    if audio is None:
        if script is None:
            return bundled()
        return Meeting(bundled().pcm, bundled().sample_rate, read_script(script))
    from callscribe.audio.files import decode_file
    from callscribe.audio.pcm import float_to_s16le

    if not audio.is_file():
        raise ValidationFailed(f"{audio}: no such file")
    try:
        samples = decode_file(audio, rate=16000)
    except UnsupportedMedia as exc:
        raise UnsupportedMedia(f"{audio}: {exc.message}") from exc
    lines = read_script(script) if script is not None else ()
    return Meeting(pcm=float_to_s16le(samples), sample_rate=16000, lines=lines)


def read_script(path: Path) -> tuple[Line, ...]:
    """The lines of a script file (see the module docstring)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{path}: not valid JSON: {exc}") from exc
    return parse_script(raw, str(path))


def parse_script(raw: Any, where: str) -> tuple[Line, ...]:
    """Lines from a script's JSON: ``{"lines": [...]}`` or the list itself."""
    items = raw.get("lines") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise ValidationFailed(f"{where}: expected a list of lines (or an object with 'lines')")
    lines: list[Line] = []
    for n, item in enumerate(items):
        try:
            line = Line(
                str(item["speaker"]), str(item["text"]), float(item["start"]), float(item["end"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed(
                f"{where}: line {n} needs speaker, text, start and end (seconds): {exc!r}"
            ) from exc
        if not 0 <= line.start <= line.end:
            raise ValidationFailed(f"{where}: line {n} ends before it starts")
        if lines and line.start < lines[-1].start:
            raise ValidationFailed(f"{where}: line {n} starts before line {n - 1}")
        lines.append(line)
    return tuple(lines)


__all__ = ["Line", "Meeting", "bundled", "convert", "load", "parse_script", "read_script"]
