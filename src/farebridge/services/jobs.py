"""Running durable jobs: bookkeeping around the idempotent job handlers.

The worker (``farebridge.jobs.worker``) loops over ``run_next_job``; a use case
that wants a job's result at once (``?return_offers=true``) calls
``run_job_now``, which claims the same row with the same compare-and-set, so
a job never runs twice concurrently.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import structlog

from farebridge.domain.errors import UpstreamTimeout, UpstreamUnavailable
from farebridge.services.ports import Dependencies, JobLike, UnitOfWork

log = structlog.get_logger(__name__)

Handler = Callable[[Dependencies, dict[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register an idempotent job handler under ``kind``."""

    def register(function: Handler) -> Handler:
        _HANDLERS[kind] = function
        return function

    return register


def enqueue_in(
    uow: UnitOfWork,
    deps: Dependencies,
    kind: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
) -> None:
    uow.jobs.enqueue(kind, payload, now=deps.clock.now(), dedupe_key=dedupe_key)


def run_next_job(deps: Dependencies, *, kind: str | None = None) -> bool:
    """Claim and run one due job. False when there was nothing to do."""
    with deps.uow() as uow:
        job = uow.jobs.claim_next(now=deps.clock.now(), lease=deps.policies.job_lease, kind=kind)
        uow.commit()
    if job is None:
        return False
    _run(deps, job)
    return True


def run_job_now(deps: Dependencies, kind: str, dedupe_key: str) -> bool:
    """Run the job with this key here and now if nobody else holds it."""
    with deps.uow() as uow:
        job_id = uow.jobs.find_queued(kind, dedupe_key)
        job = (
            uow.jobs.claim(job_id, now=deps.clock.now(), lease=deps.policies.job_lease)
            if job_id is not None
            else None
        )
        uow.commit()
    if job is None:
        return False
    _run(deps, job)
    return True


def _run(deps: Dependencies, job: JobLike) -> None:
    handle = _HANDLERS.get(job.kind)
    bound = log.bind(job_id=job.id, job_kind=job.kind, attempt=job.attempts)
    try:
        if handle is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        handle(deps, job.payload)
    except Exception as exc:  # a job failure must never kill the worker
        _record_failure(deps, job, exc)
        bound.warning("job.failed", error=repr(exc))
        return
    with deps.uow() as uow:
        uow.jobs.finish(job.id, now=deps.clock.now())
        uow.commit()
    bound.info("job.done")


def _record_failure(deps: Dependencies, job: JobLike, exc: Exception) -> None:
    now = deps.clock.now()
    retryable = isinstance(exc, UpstreamUnavailable | UpstreamTimeout | OSError)
    with deps.uow() as uow:
        if retryable and job.attempts < deps.policies.job_max_attempts:
            backoff = timedelta(seconds=min(2**job.attempts, 300))
            uow.jobs.retry_later(job.id, error=repr(exc), run_after=now + backoff)
        else:
            uow.jobs.fail(job.id, error=repr(exc), now=now)
        uow.commit()
