"""Audio in: stream and file decoding to mono float32 16 kHz, resampling, voice activity and
end-pointing. Everything here is sans-I/O except :mod:`callscribe.audio.files` (reads files)."""

from callscribe.audio.files import MediaInfo, decode_file, iter_file, probe
from callscribe.audio.pcm import (
    TARGET_RATE,
    Samples,
    StreamResampler,
    downmix,
    float_to_s16le,
    resample,
    s16le_to_float,
)
from callscribe.audio.segmenter import (
    InterimAudio,
    Segmenter,
    SegmenterConfig,
    SegmentEvent,
    SpeechStarted,
    Utterance,
)
from callscribe.audio.stream import Encoding, StreamDecoder
from callscribe.audio.vad import VoiceActivity

__all__ = [
    "TARGET_RATE",
    "Encoding",
    "InterimAudio",
    "MediaInfo",
    "Samples",
    "SegmentEvent",
    "Segmenter",
    "SegmenterConfig",
    "SpeechStarted",
    "StreamDecoder",
    "StreamResampler",
    "Utterance",
    "VoiceActivity",
    "decode_file",
    "downmix",
    "float_to_s16le",
    "iter_file",
    "probe",
    "resample",
    "s16le_to_float",
]
