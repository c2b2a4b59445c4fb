"""Running durable jobs: bookkeeping around the idempotent job handlers.

``JobKind`` names every kind of job; ``farebridge.jobs.handlers.HANDLERS`` is
the explicit table from kind to handler, checked when a process starts (a kind
without a handler is a start-up error, never a silent permanent failure) and
handed to the services in ``Dependencies.job_handlers``.

The worker (``farebridge.jobs.worker``) claims a few jobs at a time with
``claim_jobs`` and runs each with ``run_claimed`` on a thread of its own
(``run_next_job`` does both, one job, on the caller's thread); a use case that
wants a job's result at once (``?return_offers=true``, a seat release) calls
``run_job_now``, which claims the same row with the same compare-and-set, so a job
never runs twice concurrently.

Time-critical kinds (``URGENT``: tickets, syncs, recovery, compensation, searches)
are enqueued with priority 0 and claimed before the bulk ones (documents, e-mails,
webhooks), so a paid order's tickets never wait behind PDFs (ADR 0033). Done jobs
are deleted ``Policies.job_retention`` after they finished (``prune_done_jobs``, in
the worker's sweep); failed ones are kept.

A job keeps the id of the request that enqueued it (the ``request_id`` bound to
the structlog context by the API); its run binds that id again, so the job's log
lines carry the request id end to end (ADR 0029).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog

from farebridge.domain.errors import (
    FarebridgeError,
    ServerBusy,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from farebridge.services import metrics
from farebridge.services.ports import (
    BatchJobHandler,
    Dependencies,
    JobHandler,
    JobLike,
    UnitOfWork,
)

log = structlog.get_logger(__name__)


class JobKind(StrEnum):
    SEARCH = "search_offers"
    TICKETING = "issue_tickets"
    SYNC = "sync_order"
    RELEASE = "cancel_booking"  # give an upstream booking's seats back
    REFUND = "refund_payment"
    RECOVER_ORDER = "recover_order"  # finish or undo an order its request left pending
    DELIVER_WEBHOOK = "deliver_webhook"  # POST one signed event to a client's webhook
    REISSUE = "reissue_tickets"  # ticket a changed order's new booking (ADR 0012)
    SEND_EMAIL = "send_email"  # send one queued notification (ADR 0019)
    RENDER_DOCUMENT = "render_document"  # an order's PDF e-ticket or receipt (ADR 0017)


# Claimed first: a client or a booking waits on these. The others (bulk: documents,
# e-mails, webhooks) run when no urgent job is due.
URGENT = frozenset(
    {
        JobKind.SEARCH,
        JobKind.TICKETING,
        JobKind.SYNC,
        JobKind.RELEASE,
        JobKind.REFUND,
        JobKind.RECOVER_ORDER,
        JobKind.REISSUE,
    }
)
URGENT_PRIORITY, BULK_PRIORITY = 0, 1
PRUNE_BATCH = 1000  # done jobs deleted per transaction
PRUNE_MAX_BATCHES = 50  # per sweep: a long backlog of done jobs goes over several sweeps


def priority_of(kind: JobKind) -> int:
    return URGENT_PRIORITY if kind in URGENT else BULK_PRIORITY


# Compensation never gives up on a retryable failure: a lost refund or release is
# money or seats lost. Their backoff is capped; the log shows each failure.
PERSISTENT = frozenset({JobKind.RELEASE, JobKind.REFUND, JobKind.RECOVER_ORDER})
MAX_BACKOFF_SECONDS = 300


class JobNotRun(Exception):
    """A batch handler's outcome for a job it did not get to: the job is given back
    (queued again, its attempt not counted) rather than failed."""


class UnknownJobKind(Exception):
    """The handler table does not cover a job kind: the process must not start."""


def check_handler_table(
    table: Mapping[str, JobHandler], waiting: frozenset[str] = frozenset()
) -> None:
    """Raise ``UnknownJobKind`` unless every kind, and every job still waiting in the
    queue, has a handler, and every handler is for a known kind."""
    known = {kind.value for kind in JobKind}
    missing = sorted(known - set(table))
    unknown = sorted((set(table) - known) | (waiting - set(table)))
    if missing or unknown:
        raise UnknownJobKind(
            f"job handler table: no handler for {missing or 'none'}; "
            f"unknown kinds {unknown or 'none'}"
        )


def enqueue_in(
    uow: UnitOfWork,
    deps: Dependencies,
    kind: JobKind,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
) -> None:
    uow.jobs.enqueue(
        kind.value,
        payload,
        now=deps.clock.now(),
        dedupe_key=dedupe_key,
        run_after=run_after,
        request_id=current_request_id(),
        priority=priority_of(kind),
    )


def add_claimed_in(
    uow: UnitOfWork,
    deps: Dependencies,
    kind: JobKind,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
) -> JobLike:
    """Record a job this process runs at once (``run_claimed``), already claimed: the
    claim that ``run_job_now`` would make in a transaction of its own is made in the
    caller's, and no worker can take the job meanwhile. If this process dies before
    finishing it, the worker runs it once its lease has run out, as any claimed job."""
    return uow.jobs.add_claimed(
        kind.value,
        payload,
        now=deps.clock.now(),
        lease=deps.policies.job_lease,
        dedupe_key=dedupe_key,
        request_id=current_request_id(),
        priority=priority_of(kind),
    )


def current_request_id() -> str | None:
    """The request id in the log context (the API binds it per request), if any."""
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


def job_lag_seconds(deps: Dependencies) -> float:
    """How long the longest-waiting due job has waited for a worker (0: none waits)."""
    now = deps.clock.now()
    with deps.uow(read_only=True) as uow:
        oldest = uow.jobs.oldest_due(now)
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


def run_next_job(deps: Dependencies, *, kind: str | None = None) -> bool:
    """Claim and run one due job. False when there was nothing to do."""
    with deps.uow() as uow:
        job = uow.jobs.claim_next(now=deps.clock.now(), lease=deps.policies.job_lease, kind=kind)
        uow.commit()
    if job is None:
        return False
    run_claimed(deps, job)
    return True


def claim_jobs(
    deps: Dependencies,
    limit: int,
    *,
    bulk: int | None = None,
    finished: Sequence[int] = (),
    batches: Mapping[str, int] | None = None,
    bulk_waited: timedelta = timedelta(0),
) -> list[JobLike]:
    """Claim up to ``limit`` due jobs in one transaction, most urgent first, of which at
    most ``bulk`` bulk ones (no bound: None); each must then be run with ``run_claimed``
    (or its lease runs out and it is claimed again). ``finished``: jobs run to the end
    with ``finish=False``, marked done in the same transaction, before the claim (one
    write per job fewer for a worker, ADR 0052). ``batches`` (kind → size): first up
    to ``size`` due jobs of each kind, to run together (``run_claimed_batch``), each
    kind's counted as one of the ``limit``. ``bulk_waited``: only bulk jobs due at
    least that long ago (a worker holding bulk jobs back while tickets flow)."""
    now, lease = deps.clock.now(), deps.policies.job_lease
    with deps.uow() as uow:
        uow.jobs.finish_many(finished, now=now)
        jobs: list[JobLike] = []
        for kind, size in (batches or {}).items() if limit > 0 else ():
            together = uow.jobs.claim_batch(now=now, lease=lease, limit=size, kind=kind)
            jobs += together
            limit -= 1 if together else 0
            if limit <= 0:
                break
        if limit > 0 and bulk is None:
            jobs += uow.jobs.claim_batch(now=now, lease=lease, limit=limit)
        elif limit > 0 and bulk is not None:
            urgent = uow.jobs.claim_batch(
                now=now, lease=lease, limit=limit, max_priority=URGENT_PRIORITY
            )
            jobs += urgent
            room = min(limit - len(urgent), bulk)
            if room > 0:
                due_by = now - bulk_waited
                jobs += uow.jobs.claim_batch(now=now, lease=lease, limit=room, due_by=due_by)
        uow.commit()
    return jobs


def prune_done_jobs(deps: Dependencies) -> int:
    """Delete the done jobs older than the retention, a bounded batch per transaction
    (a short write lock each); how many were deleted."""
    before = deps.clock.now() - deps.policies.job_retention
    deleted = 0
    for _ in range(PRUNE_MAX_BATCHES):
        with deps.uow() as uow:
            count = uow.jobs.delete_done(finished_before=before, limit=PRUNE_BATCH)
            uow.commit()
        deleted += count
        if count < PRUNE_BATCH:
            break
    return deleted


def run_job_now(
    deps: Dependencies, kind: JobKind, dedupe_key: str, *, handle: JobHandler | None = None
) -> bool:
    """Run the job with this key here and now if nobody else holds it. A failure is
    recorded on the job (retried later by the worker), never raised. ``handle`` runs
    instead of the kind's registered handler (the same work, keeping what it made for
    the caller: a search's offers, ``services.search``)."""
    try:
        with deps.uow() as uow:
            job_id = uow.jobs.find_queued(kind.value, dedupe_key)
            job = (
                uow.jobs.claim(job_id, now=deps.clock.now(), lease=deps.policies.job_lease)
                if job_id is not None
                else None
            )
            uow.commit()
        if job is None:
            return False
        run_claimed(deps, job, handle)
    except Exception as exc:  # the job stays queued or leased: the worker runs it
        log.warning("job.run_now_failed", job_kind=kind.value, error=repr(exc))
        return False
    return True


def run_claimed(
    deps: Dependencies,
    job: JobLike,
    handle: JobHandler | None = None,
    *,
    finish: bool = True,
) -> bool:
    """Run a job this process claimed (with ``handle``, else its kind's handler) and
    record how it went; a handler's failure is recorded on the job (retried or failed),
    never raised. True when the handler returned. ``finish=False`` leaves marking the
    job done to someone else: the handler, in the transaction that stored its outcome,
    or the caller (the worker's next ``claim_jobs(finished=…)``): one write fewer."""
    handle = handle or deps.job_handlers.get(job.kind)
    # Every log line of the run, the handler's included, carries the job and its request.
    with structlog.contextvars.bound_contextvars(**_context(job)):
        try:
            if handle is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            handle(deps, job.payload)
        except Exception as exc:  # a job failure must never kill the worker
            return _settle(deps, job, exc)
        if finish:
            with deps.uow() as uow:
                uow.jobs.finish(job.id, now=deps.clock.now())
                uow.commit()
        return _settle(deps, job, None)


def run_claimed_batch(
    deps: Dependencies, jobs: Sequence[JobLike], handle: BatchJobHandler
) -> list[int]:
    """Run claimed jobs of one kind together with its batch handler (ADR 0052) and record
    each one's outcome as ``run_claimed`` would; the ids of those that ended done (for
    the caller to mark done, as with ``finish=False``). A batch handler that raises as a
    whole (one job's bad payload, a write that failed) leaves no job to blame: each is
    then run alone with the kind's single handler, as if it had never been batched."""
    with structlog.contextvars.bound_contextvars(job_kind=jobs[0].kind, jobs=len(jobs)):
        try:
            outcomes = handle(deps, [job.payload for job in jobs])
            if len(outcomes) != len(jobs):
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(jobs)} jobs")
        except Exception as exc:  # a job failure must never kill the worker
            log.warning("job.batch_failed", error=repr(exc))
            return [job.id for job in jobs if run_claimed(deps, job, finish=False)]
    done: list[int] = []
    for job, outcome in zip(jobs, outcomes, strict=True):
        with structlog.contextvars.bound_contextvars(**_context(job)):
            if _settle(deps, job, outcome):
                done.append(job.id)
    return done


def _context(job: JobLike) -> dict[str, object]:
    """The log fields of a job's run: the job, its attempt, the request that queued it."""
    context: dict[str, object] = {"job_id": job.id, "job_kind": job.kind, "attempt": job.attempts}
    if job.request_id is not None:
        context["request_id"] = job.request_id
    return context


def _settle(deps: Dependencies, job: JobLike, outcome: Exception | None) -> bool:
    """Record how a run of ``job`` ended (None: it did its work); True when done. A
    failure is retried or failed (``_record_failure``); ``JobNotRun`` gives it back."""
    if outcome is None:
        metrics.count_job(job.kind, "done")
        log.info("job.done")
        return True
    if isinstance(outcome, JobNotRun):
        with deps.uow() as uow:
            uow.jobs.give_back(job.id)
            uow.commit()
        log.info("job.given_back", reason=str(outcome))
        return False
    _record_failure(deps, job, outcome)
    metrics.count_job(job.kind, "failed")
    log.warning("job.failed", error=repr(outcome))
    return False


def _record_failure(deps: Dependencies, job: JobLike, exc: Exception) -> None:
    now = deps.clock.now()
    # A domain error is an answer (sold out, cancelled…): retrying changes nothing.
    # An upstream failure, a busy database pool (ServerBusy) or anything unexpected (a
    # database blip) is retried.
    retryable = isinstance(
        exc, UpstreamUnavailable | UpstreamTimeout | ServerBusy
    ) or not isinstance(exc, FarebridgeError)
    with deps.uow() as uow:
        persistent = job.kind in PERSISTENT
        if retryable and (persistent or job.attempts < deps.policies.job_max_attempts):
            backoff = timedelta(seconds=min(2 ** min(job.attempts, 12), MAX_BACKOFF_SECONDS))
            uow.jobs.retry_later(job.id, error=repr(exc), run_after=now + backoff)
        else:
            uow.jobs.fail(job.id, error=repr(exc), now=now)
        uow.commit()
