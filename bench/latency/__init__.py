"""Streaming API latency benchmark: end of speech → final result and message, one stream.

Run from the repository root: ``.venv/bin/python -m bench.latency [--prompts 30] [--rate 16000]``.
"""

from bench.needs import ASTERISK_PROMPTS, require

require("bench.latency", modules=("jiwer", "whisper_normalizer"), files=ASTERISK_PROMPTS)
