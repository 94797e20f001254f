"""Several nodes on this machine's PostgreSQL and Redis (``python -m bench.cluster``)."""
