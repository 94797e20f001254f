"""Benchmark package (run ``python -m bench.asr``)."""

from bench.needs import ASTERISK_PROMPTS, require

require("bench.asr", modules=("jiwer", "whisper_normalizer"), files=ASTERISK_PROMPTS)
