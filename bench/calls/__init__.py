"""Benchmark: many simultaneous calls from one process (run ``python -m bench.calls``)."""

from bench.needs import require

require("bench.calls", programs=("sipp",))
