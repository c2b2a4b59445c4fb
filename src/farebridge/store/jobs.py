"""The durable job queue: rows enqueued in the transaction that causes them.

A worker claims jobs with a compare-and-set (queued → running, with a lease);
a crashed worker's lease runs out and the job is claimed again, which is why
every job handler is idempotent. One statement claims a batch: an ``UPDATE … WHERE
id IN (the first due rows) RETURNING …``; on PostgreSQL the rows are picked with
``FOR UPDATE SKIP LOCKED``, so several worker processes claim different rows without
waiting on each other (ADR 0029); SQLite has one writer at a time, so the statement
alone is atomic. Jobs are claimed by (priority, run_after, id): time-critical kinds
first (ADR 0033). The claim reads a partial index of the queued and running rows
only, and done rows are deleted after a retention, so finished jobs never slow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from farebridge.store.database import per_dialect
from farebridge.store.tables import JOBS_CLAIMABLE, jobs

LOWEST_PRIORITY = 2**31 - 1  # a claim's bound on priority that bounds nothing
JOBS_DONE = "status = 'done'"  # the predicate of ix_jobs_done_finished_at, word for word


def _enqueue_once(dialect_insert: Any) -> Any:
    """``INSERT … ON CONFLICT (dedupe_key) DO UPDATE … WHERE status IN ('done', 'failed')``,
    the values given when it runs: built once per dialect (ADR 0034)."""
    statement = dialect_insert(jobs)
    return statement.on_conflict_do_update(
        index_elements=[jobs.c.dedupe_key],
        set_={
            "status": "queued",
            "payload": statement.excluded.payload,
            "attempts": 0,
            "run_after": statement.excluded.run_after,
            "finished_at": None,
            "request_id": statement.excluded.request_id,
            "priority": statement.excluded.priority,
        },
        where=jobs.c.status.in_(("done", "failed")),
    )


_INSERT_JOB = insert(jobs)
_ENQUEUE_ONCE = per_dialect(_enqueue_once)


def _claimable() -> Any:
    """Queued and due, or running with its lease run out (at ``:now``). The index's own
    predicate comes first, as text, so that SQLite reads the partial index (a running job
    was due when it was claimed, so ``run_after <= now`` holds for both)."""
    now = bindparam("now", type_=jobs.c.run_after.type)
    return and_(
        text(JOBS_CLAIMABLE),
        jobs.c.run_after <= now,
        or_(
            jobs.c.status == "queued",
            and_(jobs.c.status == "running", jobs.c.locked_until < now),
        ),
    )


def _claim_batch(*, postgres: bool, of_kind: bool) -> Any:
    """The claim of up to ``:claim_limit`` due jobs (of ``:claim_kind``) of a priority
    up to ``:claim_priority``, most urgent first, running until ``:locked_until``, in
    one statement."""
    candidates = (
        select(jobs.c.id)
        .where(_claimable(), jobs.c.priority <= bindparam("claim_priority", type_=Integer))
        .order_by(jobs.c.priority, jobs.c.run_after, jobs.c.id)
        .limit(bindparam("claim_limit", type_=Integer))
    )
    if of_kind:
        candidates = candidates.where(jobs.c.kind == bindparam("claim_kind"))
    if postgres:
        # Picked once (a materialised CTE: a semi-join could run a SKIP LOCKED
        # subquery again per row and pick other rows), then updated.
        picked = (
            candidates.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        )
        chosen = jobs.c.id == picked.c.id
    else:
        chosen = jobs.c.id.in_(candidates)
    return (
        update(jobs)
        .where(chosen, _claimable())
        .values(status="running", attempts=jobs.c.attempts + 1)
        .returning(
            jobs.c.id,
            jobs.c.kind,
            jobs.c.payload,
            jobs.c.attempts,
            jobs.c.request_id,
            jobs.c.priority,
            jobs.c.run_after,
        )
    )


# Built once (ADR 0034): (PostgreSQL?, of one kind?) → the claim.
_CLAIM_BATCH = {
    (postgres, of_kind): _claim_batch(postgres=postgres, of_kind=of_kind)
    for postgres in (False, True)
    for of_kind in (False, True)
}
_CLAIM_ONE = (
    update(jobs)
    .where(jobs.c.id == bindparam("job_id"), _claimable())
    .values(status="running", attempts=jobs.c.attempts + 1)
    .returning(jobs.c.id, jobs.c.kind, jobs.c.payload, jobs.c.attempts, jobs.c.request_id)
)
_FIND_QUEUED = select(jobs.c.id).where(
    jobs.c.kind == bindparam("kind"), jobs.c.dedupe_key == bindparam("dedupe_key")
)
_FINISH = update(jobs).where(jobs.c.id == bindparam("job_id")).values(status="done")
_ADD_CLAIMED = insert(jobs).returning(jobs.c.id)


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    request_id: str | None = None
    priority: int = 0


class JobRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        run_after: datetime | None = None,
        dedupe_key: str | None = None,
        request_id: str | None = None,
        priority: int = 0,
    ) -> None:
        """Add a job. While a job with the same ``dedupe_key`` is queued or running, this is a
        no-op; once that job is done or failed, it is queued again (a compensation asked
        for twice must run after the second ask: it is idempotent, and may be needed).
        A done job deleted after its retention is simply added again: the same outcome.

        One statement (``INSERT … ON CONFLICT (dedupe_key) DO UPDATE … WHERE status IN
        ('done', 'failed')``): on PostgreSQL a conflicting row deleted meanwhile by the
        retention sweep makes the insert go through instead of the ask being lost."""
        values = {
            "kind": kind,
            "payload": payload,
            "dedupe_key": dedupe_key,
            "status": "queued",
            "run_after": run_after or now,
            "created_at": now,
            "request_id": request_id,
            "priority": priority,
        }
        if dedupe_key is None:
            self._db.execute(_INSERT_JOB, values)
            return
        self._db.execute(_ENQUEUE_ONCE[self._db.dialect.name], values)

    def add_claimed(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        lease: timedelta,
        dedupe_key: str | None = None,
        request_id: str | None = None,
        priority: int = 0,
    ) -> Job:
        """Add a job already claimed, as a claim leaves it: running until ``now + lease``,
        one attempt. For a job whose ``dedupe_key`` is new (its own new row): a key
        already used is an integrity error, not a no-op as in :meth:`enqueue`."""
        values = {
            "kind": kind,
            "payload": payload,
            "dedupe_key": dedupe_key,
            "status": "running",
            "attempts": 1,
            "run_after": now,
            "locked_until": now + lease,
            "created_at": now,
            "request_id": request_id,
            "priority": priority,
        }
        job_id = self._db.execute(_ADD_CLAIMED, values).scalar_one()
        return Job(job_id, kind, payload, 1, request_id, priority)

    def claim_batch(
        self,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        kind: str | None = None,
        max_priority: int = LOWEST_PRIORITY,
        due_by: datetime | None = None,
    ) -> list[Job]:
        """Claim up to ``limit`` due jobs of a priority up to ``max_priority``, most urgent
        first, in one statement; the rows stay locked (PostgreSQL) or the database's
        write lock held (SQLite) until this transaction commits, so no other worker can
        claim them meanwhile. ``due_by`` (default ``now``): only jobs due by then (and
        leases run out by then); the lease still runs from ``now``."""
        statement = _CLAIM_BATCH[(self._db.dialect.name == "postgresql", kind is not None)]
        # Parameters named for a column are set by the UPDATE: ``locked_until`` only.
        parameters = {
            "now": now if due_by is None else min(due_by, now),
            "locked_until": now + lease,
            "claim_limit": limit,
            "claim_priority": max_priority,
        }
        if kind is not None:
            parameters["claim_kind"] = kind
        rows = self._db.execute(statement, parameters).all()
        ordered = sorted(rows, key=lambda row: (row.priority, row.run_after, row.id))
        return [
            Job(row.id, row.kind, row.payload, row.attempts, row.request_id, row.priority)
            for row in ordered
        ]

    def claim_next(self, *, now: datetime, lease: timedelta, kind: str | None = None) -> Job | None:
        claimed = self.claim_batch(now=now, lease=lease, limit=1, kind=kind)
        return claimed[0] if claimed else None

    def claim(self, job_id: int, *, now: datetime, lease: timedelta) -> Job | None:
        """Compare-and-set one job to running; None if another worker has it."""
        row = self._db.execute(
            _CLAIM_ONE, {"job_id": job_id, "now": now, "locked_until": now + lease}
        ).first()
        return (
            None
            if row is None
            else Job(row.id, row.kind, row.payload, row.attempts, row.request_id)
        )

    def find_queued(self, kind: str, dedupe_key: str) -> int | None:
        row = self._db.execute(_FIND_QUEUED, {"kind": kind, "dedupe_key": dedupe_key}).first()
        return row.id if row else None

    def finish(self, job_id: int, *, now: datetime) -> None:
        self._db.execute(_FINISH, {"job_id": job_id, "finished_at": now})

    def finish_many(self, job_ids: Sequence[int], *, now: datetime) -> None:
        """:meth:`finish` of each of ``job_ids`` still running, in one statement (a row
        the worker's lease let go of and that was since failed or queued is left so)."""
        if job_ids:
            self._db.execute(
                update(jobs)
                .where(jobs.c.id.in_(list(job_ids)), jobs.c.status == "running")
                .values(status="done", finished_at=now)
            )

    def give_back(self, job_id: int) -> None:
        """A claimed job not run after all: queued again as it was (its attempt not
        counted), for the next claim."""
        self._db.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status == "running")
            .values(status="queued", attempts=jobs.c.attempts - 1)
        )

    def retry_later(self, job_id: int, *, error: str, run_after: datetime) -> None:
        self._db.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(status="queued", last_error=error[:2000], run_after=run_after)
        )

    def fail(self, job_id: int, *, error: str, now: datetime) -> None:
        self._db.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(status="failed", last_error=error[:2000], finished_at=now)
        )

    def kinds_waiting(self) -> set[str]:
        rows = self._db.execute(select(jobs.c.kind).where(text(JOBS_CLAIMABLE)).distinct())
        return {row.kind for row in rows}

    def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting due queued job became due (None: nothing waits)."""
        return self._db.execute(
            select(func.min(jobs.c.run_after)).where(
                text(JOBS_CLAIMABLE), jobs.c.status == "queued", jobs.c.run_after <= now
            )
        ).scalar()

    def delete_done(self, *, finished_before: datetime, limit: int) -> int:
        """Delete up to ``limit`` done jobs that finished before ``finished_before``; the
        number deleted. Failed jobs stay: they are the record of what went wrong. A row
        queued again meanwhile (``enqueue`` with its key) is no longer done: kept."""
        oldest = (
            select(jobs.c.id)
            .where(text(JOBS_DONE), jobs.c.finished_at < finished_before)
            .order_by(jobs.c.finished_at)
            .limit(limit)
        )
        result = self._db.execute(
            delete(jobs).where(jobs.c.id.in_(oldest), jobs.c.status == "done")
        )
        return result.rowcount
