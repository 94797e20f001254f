"""Speakers of a whole recording (the Async Audio APIs' ``enableSpeakerDiarization``).

The recording's utterances are split into runs of one voice (as live), then the whole
recording's voices are clustered at once (the separator's second pass,
:mod:`~callscribe.speakers.spectral`) — into the number of speakers the caller gives
(``diarizationSpeakerCount``), or as many as the voices show. The result is a speaker
timeline the message assembler reads, as it reads speaker events on a live call.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from callscribe.asr.types import Transcript, Word
from callscribe.pipeline.timeline import SpeakerTimeline
from callscribe.records import Speaker, voice_name
from callscribe.speakers.channel import is_narrowband
from callscribe.speakers.encoder import SAMPLE_RATE, VoiceEncoder, shared_encoder
from callscribe.speakers.separator import SeparationConfig, VoiceRun, VoiceSeparator

MARGIN = 0.1
"""Seconds of audio kept either side of an utterance's words (the network's context)."""


@dataclass(frozen=True, slots=True)
class Diarization:
    """Runs of one speaker each (stream seconds), and what finding them cost."""

    runs: tuple[tuple[float, float, int | None, tuple[Word, ...]], ...]
    """(start, stop, speaker, words): the speaker's stretch of speech and the words in it."""
    cpu_seconds: float
    narrowband: bool

    @property
    def segments(self) -> list[tuple[float, float, str]]:
        return [(a, b, voice_name(c)) for a, b, c, _w in self.runs if c is not None]

    @property
    def words(self) -> list[tuple[float, float, str]]:
        return [
            (w.start, w.end, voice_name(c))
            for _a, _b, c, ws in self.runs
            if c is not None
            for w in ws
        ]

    @property
    def speakers(self) -> int:
        return len({c for _a, _b, c, _w in self.runs if c is not None})

    def timeline(self) -> SpeakerTimeline:
        """Speaker changes for the assembler: each run's speaker from just before its first
        word (the assembler moves each change to the word gap that explains it best)."""
        timeline = SpeakerTimeline()
        for _start, _stop, cluster, words in self.runs:
            if cluster is not None and words:
                timeline.start(words[0].start - 0.05, Speaker(name=voice_name(cluster)))
        return timeline


def diarize(
    audio: NDArray[np.float32],
    transcripts: Sequence[Transcript],
    *,
    speakers: int | None = None,
    encoder: VoiceEncoder | None = None,
    second_pass: bool = True,
) -> Diarization:
    """Who said each utterance's words. ``audio`` is the whole recording (16 kHz) and
    ``transcripts`` its utterances with word times in the same seconds. Blocking."""
    began = time.process_time()
    narrowband = is_narrowband(audio)
    config = SeparationConfig.for_channel(narrowband, max_speakers=speakers)
    separator = VoiceSeparator(encoder or shared_encoder(), config)
    heard: list[Transcript] = []
    online: list[list[VoiceRun]] = []
    for transcript in transcripts:
        words = transcript.words
        if not words:
            continue
        start = max(0.0, words[0].start - MARGIN)
        stop = words[-1].end + MARGIN
        piece = audio[int(start * SAMPLE_RATE) : int(stop * SAMPLE_RATE)]
        if len(piece) < SAMPLE_RATE // 10:
            continue
        online.append(separator.runs(piece, start, words))
        heard.append(transcript)
    final = separator.second_pass() if second_pass else online
    runs = tuple(
        run
        for transcript, utterance in zip(heard, final, strict=True)
        for run in _spans(transcript, utterance)
    )
    return Diarization(runs, time.process_time() - began, narrowband)


def _spans(
    transcript: Transcript, runs: Sequence[VoiceRun]
) -> list[tuple[float, float, int | None, tuple[Word, ...]]]:
    """The runs as stretches of the utterance's speech: from its start (as voice activity
    found it) to its end, changing speaker halfway between two runs' words."""
    words = transcript.words
    out = []
    for i, run in enumerate(runs):
        start = min(transcript.start, run.start) if i == 0 else (runs[i - 1].stop + run.start) / 2
        last = i == len(runs) - 1
        stop = max(transcript.end, run.stop) if last else (run.stop + runs[i + 1].start) / 2
        out.append((start, stop, run.cluster, words[run.begin : run.end]))
    return out


def diarize_file(
    path: Path, transcripts: Sequence[Transcript], encoder: VoiceEncoder, speakers: int | None
) -> SpeakerTimeline:
    """The speakers of a recording on disk whose utterances are ``transcripts`` (blocking)."""
    from callscribe.audio.files import iter_file

    chunks = list(iter_file(path, rate=SAMPLE_RATE))
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return diarize(audio, transcripts, speakers=speakers, encoder=encoder).timeline()


def diarize_audio(audio: NDArray[np.float32], speakers: int | None = None) -> Diarization:
    """Recognise and diarize a whole recording (16 kHz) with the default recogniser."""
    import io
    import wave

    from callscribe.asr import create_recognizer, transcribe_file
    from callscribe.audio.pcm import float_to_s16le

    image = io.BytesIO()
    with wave.open(image, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(float_to_s16le(audio))
    recognizer = create_recognizer(cpu_threads=1, beam_size=1)
    transcripts = transcribe_file(image.getvalue(), recognizer)
    return diarize(audio, transcripts, speakers=speakers)


__all__ = ["Diarization", "diarize", "diarize_audio", "diarize_file", "voice_name"]
