"""Streaming API latency benchmark: end of speech → final result and message, one stream.

Run from the repository root: ``.venv/bin/python -m bench.latency [--prompts 30] [--rate 16000]``.
"""
