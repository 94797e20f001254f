"""The recorded meeting the bridge simulator plays: audio plus its script with timings.

The script (speaker, text, start, end) ships beside the audio so tests can score recognition
(WER) and the demo can show who spoke. Regenerate both with ``make_meeting.py``.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from functools import cache
from importlib import resources

from callscribe.bridge import ulaw
from callscribe.errors import UnsupportedMedia

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
def load() -> Meeting:
    """Load the shipped meeting (decoded once per process)."""
    pkg = resources.files("callscribe.bridge")
    data, rate = ulaw.read_wav((pkg / AUDIO_FILE).read_bytes())
    raw = json.loads((pkg / SCRIPT_FILE).read_text(encoding="utf-8"))
    lines = tuple(
        Line(str(e["speaker"]), str(e["text"]), float(e["start"]), float(e["end"]))
        for e in raw["lines"]
    )
    return Meeting(pcm=ulaw.decode(data), sample_rate=rate, lines=lines)


__all__ = ["Line", "Meeting", "convert", "load"]
