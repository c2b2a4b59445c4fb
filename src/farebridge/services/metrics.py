"""Prometheus metrics of the engine (ADR 0029). HTTP requests and latencies come from
``api/http_metrics.py`` (ADR 0046); these are the business ones.

With several API processes set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory per
start): every process writes its samples there and ``/metrics`` adds them up.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge

BOOKINGS = Counter(
    "farebridge_bookings_total", "Orders booked and confirmed, by provider.", ["provider"]
)
PROVIDER_ERRORS = Counter(
    "farebridge_provider_errors_total",
    "Upstream failures (unavailable, timed out, crashed), by provider and operation.",
    ["provider", "operation", "code"],
)
JOBS = Counter("farebridge_jobs_total", "Jobs run, by kind and outcome.", ["kind", "outcome"])
JOB_LAG = Gauge(
    "farebridge_job_lag_seconds",
    "How long the longest-waiting due job has waited for a worker (at the last scrape).",
    multiprocess_mode="max",
)


def count_booking(provider: str) -> None:
    BOOKINGS.labels(provider=provider).inc()


def count_provider_error(provider: str, operation: str, code: str) -> None:
    PROVIDER_ERRORS.labels(provider=provider, operation=operation, code=code).inc()


def count_job(kind: str, outcome: str) -> None:
    JOBS.labels(kind=kind, outcome=outcome).inc()
