"""How many real-time Streaming API streams one server sustains (final p95 ≤ 2 s, none lost).

Run from the repository root: ``.venv/bin/python -m bench.streams [--max 10] [--quick]``.
"""

from bench.needs import ASTERISK_PROMPTS, require

require("bench.streams", modules=("jiwer", "whisper_normalizer"), files=ASTERISK_PROMPTS)
