"""Speech recognition: engines behind one interface, a shared scheduler, live and file paths.

::

    recognizer = create_recognizer("whisper-tiny.en", cpu_threads=2)
    async with RecognitionScheduler(recognizer) as scheduler:
        live = LiveRecognizer(scheduler, "call-1")
        live.feed(samples)              # 16 kHz mono float32 (audio.pcm.Normalizer), any chunk size
        async for event in live.events():
            ...                          # SpeechStarted | Pause | Interim | Final
"""

from callscribe.asr.engines import (
    DEFAULT_ENGINE,
    assemble_whisper_base,
    create_recognizer,
    engine_names,
)
from callscribe.asr.live import Final, Interim, LiveEvent, LiveRecognizer, Pause, SpeechStarted
from callscribe.asr.offline import Progress, transcribe_file
from callscribe.asr.scheduler import RecognitionScheduler, SchedulerStats
from callscribe.asr.types import Audio, Recognizer, Transcript, Word

__all__ = [
    "DEFAULT_ENGINE",
    "Audio",
    "Final",
    "Interim",
    "LiveEvent",
    "LiveRecognizer",
    "Pause",
    "Progress",
    "RecognitionScheduler",
    "Recognizer",
    "SchedulerStats",
    "SpeechStarted",
    "Transcript",
    "Word",
    "assemble_whisper_base",
    "create_recognizer",
    "engine_names",
    "transcribe_file",
]
