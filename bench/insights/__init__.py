"""Benchmark of the insights library (run: python -m bench.insights)."""
