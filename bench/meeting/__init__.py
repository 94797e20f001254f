"""Benchmark package (run ``python -m bench.meeting``)."""

from bench.needs import require

require("bench.meeting", modules=("jiwer", "whisper_normalizer"))
