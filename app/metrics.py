"""Prometheus metrics: every metric the app exports is defined here, so other code only
increments them (``metrics.MAIL_FAILURES.labels(reason="SMTPException").inc()``).

One process (``flask run``, a single gunicorn worker) keeps the values in memory. With several
gunicorn workers each one counts on its own, so ``PROMETHEUS_MULTIPROC_DIR`` must name an
empty folder they share (``app/ops/gunicorn_config.py`` sets one up and marks dead workers):
``/metrics`` then adds up all workers' files, whichever worker answers the scrape.

Values that live elsewhere (how many jobs wait in a queue) are not counted per process: they
are read when Prometheus scrapes, through a callback (``register_queue_depth``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

# In multiprocess mode a metric writes to its file in the folder as soon as it exists, which may
# be while gunicorn's master loads its settings (they import this package), before any hook.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# --- requests (observed by app/ops for every request) ------------------------------------------

REQUESTS = Counter(
    "tekser_http_requests",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "tekser_http_request_duration_seconds",
    "Time to answer an HTTP request, by endpoint and method.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# --- mail -----------------------------------------------------------------------------------------

MAIL_SENT = Counter("tekser_mail_sent", "Messages handed to the mail server.")
MAIL_FAILURES = Counter(
    "tekser_mail_failures",
    "Messages the mail server did not take, by reason (the exception's class name).",
    ["reason"],
)

# --- background jobs and video transcoding ----------------------------------------------------

JOBS = Counter(
    "tekser_jobs",
    "Background jobs finished, by queue and outcome (succeeded, failed, retried).",
    ["queue", "outcome"],
)
TRANSCODE_JOBS = Counter(
    "tekser_transcode_jobs",
    "Video transcoding jobs finished, by outcome (succeeded, failed).",
    ["outcome"],
)
TRANSCODE_SECONDS = Histogram(
    "tekser_transcode_duration_seconds",
    "Time to transcode one video source into its ladder.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600),
)
TRANSCODES_RUNNING = Gauge(
    "tekser_transcodes_running",
    "Video transcoding jobs running now.",
    multiprocess_mode="livesum",
)

# --- values read at scrape time ---------------------------------------------------------------

QueueDepth = Callable[[], Mapping[str, int]]
_queue_depth: list[QueueDepth] = []


def register_queue_depth(callback: QueueDepth) -> None:
    """Report queue depth from ``callback`` (queue name -> waiting jobs), read at each scrape
    by the worker that answers it. A callback that fails is left out of that scrape."""
    if callback not in _queue_depth:
        _queue_depth.append(callback)


class _ScrapeTimeCollector:
    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "tekser_queue_depth", "Jobs waiting in each queue.", labels=["queue"]
        )
        for callback in list(_queue_depth):
            try:
                counts = dict(callback())
            except Exception:  # noqa: S112 (a broken source must not break the scrape)
                continue
            for queue, count in sorted(counts.items()):
                depth.add_metric([str(queue)], float(count))
        yield depth


_SCRAPE_TIME = _ScrapeTimeCollector()


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


if not multiprocess():
    REGISTRY.register(_SCRAPE_TIME)


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric, and its content type."""
    if multiprocess():
        # Each scrape reads all workers' files afresh; this process's own registry would show
        # only its share.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(_SCRAPE_TIME)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


# --- per request ------------------------------------------------------------------------------

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request. Labels stay few: the endpoint (never the path, which holds
    ids), a known method, the status code."""
    endpoint = endpoint or "unmatched"
    method = method if method in _METHODS else "other"
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint, method).observe(seconds)
