"""Benchmark package (run ``python -m bench.actions``)."""

from bench.needs import require

require("bench.actions", modules=("aiosmtpd",))
