"""Background processing of accepted work (text and audio jobs)."""

from callscribe.jobs.runner import JobHandler, JobRunner

__all__ = ["JobHandler", "JobRunner"]
