"""Benchmark: speaker separation on calls built from real voices (``python -m bench.speakers``)."""
