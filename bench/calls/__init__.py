"""Benchmark: many simultaneous calls from one process (run ``python -m bench.calls``)."""
