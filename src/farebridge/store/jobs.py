"""The durable job queue: rows enqueued in the transaction that causes them.

A worker claims a job with a compare-and-set (queued → running, with a lease);
a crashed worker's lease runs out and the job is claimed again, which is why
every job handler is idempotent. On PostgreSQL the next job is picked with
``FOR UPDATE SKIP LOCKED``, so several worker processes claim different rows
without waiting on each other (ADR 0029); SQLite keeps the compare-and-set alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.store.tables import jobs


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    request_id: str | None = None


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
    ) -> None:
        """Add a job. While a job with the same ``dedupe_key`` is queued or running, this is a
        no-op; once that job is done or failed, it is queued again (a compensation asked
        for twice must run after the second ask: it is idempotent, and may be needed)."""
        try:
            with self._db.begin_nested():
                self._db.execute(
                    insert(jobs).values(
                        kind=kind,
                        payload=payload,
                        dedupe_key=dedupe_key,
                        status="queued",
                        run_after=run_after or now,
                        created_at=now,
                        request_id=request_id,
                    )
                )
        except IntegrityError:
            if dedupe_key is None:
                raise
            self._db.execute(
                update(jobs)
                .where(jobs.c.dedupe_key == dedupe_key, jobs.c.status.in_(("done", "failed")))
                .values(
                    status="queued",
                    payload=payload,
                    attempts=0,
                    run_after=run_after or now,
                    finished_at=None,
                    request_id=request_id,
                )
            )

    def _claimable(self, now: datetime) -> Any:
        return or_(
            and_(jobs.c.status == "queued", jobs.c.run_after <= now),
            and_(jobs.c.status == "running", jobs.c.locked_until < now),
        )

    def claim_next(self, *, now: datetime, lease: timedelta, kind: str | None = None) -> Job | None:
        if self._db.dialect.name == "postgresql":
            return self._claim_skip_locked(now=now, lease=lease, kind=kind)
        candidates = select(jobs.c.id).where(self._claimable(now)).order_by(jobs.c.id).limit(5)
        if kind is not None:
            candidates = candidates.where(jobs.c.kind == kind)
        for row in self._db.execute(candidates).all():
            job = self.claim(row.id, now=now, lease=lease)
            if job is not None:
                return job
        return None

    def _claim_skip_locked(
        self, *, now: datetime, lease: timedelta, kind: str | None
    ) -> Job | None:
        """The first due job no other transaction has locked; the row stays locked until
        this transaction commits, so no other worker can pick it meanwhile."""
        candidate = (
            select(jobs.c.id)
            .where(self._claimable(now))
            .order_by(jobs.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if kind is not None:
            candidate = candidate.where(jobs.c.kind == kind)
        job_id = self._db.execute(candidate).scalar()
        return None if job_id is None else self.claim(job_id, now=now, lease=lease)

    def claim(self, job_id: int, *, now: datetime, lease: timedelta) -> Job | None:
        """Compare-and-set one job to running; None if another worker has it."""
        result = self._db.execute(
            update(jobs)
            .where(jobs.c.id == job_id, self._claimable(now))
            .values(status="running", locked_until=now + lease, attempts=jobs.c.attempts + 1)
        )
        if result.rowcount != 1:
            return None
        row = self._db.execute(select(jobs).where(jobs.c.id == job_id)).one()
        return Job(row.id, row.kind, row.payload, row.attempts, row.request_id)

    def find_queued(self, kind: str, dedupe_key: str) -> int | None:
        row = self._db.execute(
            select(jobs.c.id).where(jobs.c.kind == kind, jobs.c.dedupe_key == dedupe_key)
        ).first()
        return row.id if row else None

    def finish(self, job_id: int, *, now: datetime) -> None:
        self._db.execute(
            update(jobs).where(jobs.c.id == job_id).values(status="done", finished_at=now)
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
        rows = self._db.execute(
            select(jobs.c.kind).where(jobs.c.status.in_(("queued", "running"))).distinct()
        )
        return {row.kind for row in rows}

    def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting due queued job became due (None: nothing waits)."""
        return self._db.execute(
            select(func.min(jobs.c.run_after)).where(
                jobs.c.status == "queued", jobs.c.run_after <= now
            )
        ).scalar()
