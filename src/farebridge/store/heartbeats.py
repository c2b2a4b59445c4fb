"""Worker heartbeats: each worker process upserts its row every few seconds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from farebridge.store.tables import worker_heartbeats


class HeartbeatRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def beat(self, worker_id: str, *, hostname: str, pid: int, now: datetime) -> None:
        updated = self._db.execute(
            update(worker_heartbeats)
            .where(worker_heartbeats.c.worker_id == worker_id)
            .values(beat_at=now)
        )
        if updated.rowcount == 0:
            self._db.execute(
                insert(worker_heartbeats).values(
                    worker_id=worker_id, hostname=hostname, pid=pid, started_at=now, beat_at=now
                )
            )

    def latest(self) -> datetime | None:
        """The most recent beat of any worker."""
        return self._db.execute(select(func.max(worker_heartbeats.c.beat_at))).scalar()

    def forget(self, worker_id: str) -> None:
        """A worker stopping cleanly removes its row."""
        self._db.execute(
            delete(worker_heartbeats).where(worker_heartbeats.c.worker_id == worker_id)
        )

    def forget_older_than(self, cutoff: datetime) -> int:
        """Drop the rows of workers long gone (crashed without saying so)."""
        result = self._db.execute(
            delete(worker_heartbeats).where(worker_heartbeats.c.beat_at < cutoff)
        )
        return result.rowcount
