"""Prometheus metrics of a server process, served at ``/metrics``.

Events are counted where they happen (module-level families, as ``prometheus-client`` is
meant to be used); the state of the moment — live connections, the recognition queue and the
recogniser's own counters — is read when the endpoint is scraped (:class:`LiveState`), so
nothing has to keep it in step. Families (all prefixed ``callscribe_``):

* ``live_connections{kind,state}`` — calls (by call state) and streams now live;
* ``calls_ended_total{reason}`` — calls that ended, by end reason;
* ``recognition_queue_depth`` — recognition jobs queued and not started;
* ``final_latency_seconds`` — from the end of an utterance being detected to its final text;
* ``interims_shed_total`` — interim hypotheses dropped under load (finals never are);
* ``recognition_cpu_seconds_total{kind}`` — worker time spent recognising, by job kind;
* ``deliveries_total{kind,status}`` — e-mail and webhook attempts by outcome;
* ``jobs_total{kind,status}`` — Async API jobs finished, by outcome;
* ``http_requests_total{method,route,status}`` and ``http_request_seconds{method,route}``.

Plus the client library's ``process_*`` and ``python_*`` families.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from callscribe.asr.scheduler import RecognitionScheduler

CALLS_ENDED = Counter("callscribe_calls_ended", "Calls that ended, by end reason.", ["reason"])
FINAL_LATENCY = Histogram(
    "callscribe_final_latency_seconds",
    "Seconds from the end of an utterance being detected to its final text.",
    buckets=(0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0),
)
DELIVERIES = Counter(
    "callscribe_deliveries", "Delivery attempts (e-mail, webhook) by outcome.", ["kind", "status"]
)
JOBS = Counter(
    "callscribe_jobs", "Async API jobs finished, by kind and outcome.", ["kind", "status"]
)
HTTP_REQUESTS = Counter(
    "callscribe_http_requests", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "callscribe_http_request_seconds", "Seconds to answer an HTTP request.", ["method", "route"]
)


class LiveState(Collector):
    """What is live right now, read at each scrape."""

    def __init__(
        self,
        connections: Callable[[], Iterable[tuple[str, str]]],
        scheduler: Callable[[], RecognitionScheduler | None],
    ) -> None:
        """``connections``: (kind, state) of each live connection; ``scheduler``: the
        recogniser's scheduler once it is loaded."""
        self._connections = connections
        self._scheduler = scheduler

    def collect(self) -> Iterable[Metric]:
        live = GaugeMetricFamily(
            "callscribe_live_connections",
            "Live connections: calls by call state, and streams.",
            labels=["kind", "state"],
        )
        for (kind, state), count in sorted(Tally(self._connections()).items()):
            live.add_metric([kind, state], count)
        yield live
        scheduler = self._scheduler()
        queued = GaugeMetricFamily(
            "callscribe_recognition_queue_depth", "Recognition jobs queued and not started."
        )
        queued.add_metric([], scheduler.backlog if scheduler is not None else 0)
        yield queued
        stats = scheduler.stats if scheduler is not None else None
        shed = CounterMetricFamily(
            "callscribe_interims_shed", "Interim hypotheses dropped under load."
        )
        shed.add_metric([], stats.interims_shed if stats is not None else 0)
        yield shed
        share = GaugeMetricFamily(
            "callscribe_interim_share",
            "Share of a recognition worker's time interims may use now (less as the CPUs fill).",
        )
        share.add_metric([], stats.interim_share if stats is not None else 0.0)
        yield share
        busy = CounterMetricFamily(
            "callscribe_recognition_cpu_seconds",
            "Worker seconds spent recognising, by job kind.",
            labels=["kind"],
        )
        spent = stats.busy_by_kind if stats is not None else {}
        for kind in sorted({"final", "early", "interim", *spent}):
            busy.add_metric([kind], spent.get(kind, 0.0))
        yield busy


def exposition(live: LiveState) -> bytes:
    """The text exposition of every family: the process's counters and the live state."""
    state = CollectorRegistry(auto_describe=False)
    state.register(live)
    return generate_latest(REGISTRY) + generate_latest(state)


__all__ = [
    "CALLS_ENDED",
    "DELIVERIES",
    "FINAL_LATENCY",
    "HTTP_REQUESTS",
    "HTTP_SECONDS",
    "JOBS",
    "LiveState",
    "exposition",
]
