"""Airline-initiated changes of orders (ADR 0020). The change is stored whole as JSON;
its status moves only with ``UPDATE … WHERE id = :id AND status = 'pending'``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.schedule_changes import ScheduleChange, ScheduleChangeStatus
from farebridge.store.codec import dump
from farebridge.store.tables import schedule_changes

_codec: TypeAdapter[ScheduleChange] = TypeAdapter(ScheduleChange)
_LIVE_FIELDS = ("status", "resolved_at")


# Read with every order (built once, ADR 0034).
_PENDING_OF = (
    select(schedule_changes)
    .where(
        schedule_changes.c.order_id.in_(bindparam("order_ids", expanding=True)),
        schedule_changes.c.status == ScheduleChangeStatus.PENDING.value,
    )
    .order_by(schedule_changes.c.detected_at, schedule_changes.c.id)
)


class ScheduleChangeRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, change: ScheduleChange) -> bool:
        """Insert; False when the order already has this airline change (recorded once)."""
        payload = dump(_codec, change)
        for name in _LIVE_FIELDS:
            payload.pop(name, None)
        try:
            with self._db.begin_nested():
                self._db.execute(
                    insert(schedule_changes).values(
                        id=change.id,
                        order_id=change.order_id,
                        provider_change_id=change.provider_change_id,
                        kind=change.kind.value,
                        status=change.status.value,
                        detected_at=change.detected_at,
                        resolved_at=change.resolved_at,
                        payload=payload,
                    )
                )
        except IntegrityError:
            return False
        return True

    def get(self, change_id: str) -> ScheduleChange | None:
        row = self._db.execute(
            select(schedule_changes).where(schedule_changes.c.id == change_id)
        ).first()
        return _change(row) if row else None

    def list_for_order(self, order_id: str) -> list[ScheduleChange]:
        rows = self._db.execute(
            select(schedule_changes)
            .where(schedule_changes.c.order_id == order_id)
            .order_by(schedule_changes.c.detected_at, schedule_changes.c.id)
        )
        return [_change(row) for row in rows]

    def pending_for_order(self, order_id: str) -> list[ScheduleChange]:
        rows = self._db.execute(
            select(schedule_changes)
            .where(
                schedule_changes.c.order_id == order_id,
                schedule_changes.c.status == ScheduleChangeStatus.PENDING.value,
            )
            .order_by(schedule_changes.c.detected_at, schedule_changes.c.id)
        )
        return [_change(row) for row in rows]

    def pending_for_orders(self, order_ids: Sequence[str]) -> dict[str, list[ScheduleChange]]:
        """Each order's pending changes, oldest first, in one query."""
        by_order: dict[str, list[ScheduleChange]] = {}
        if not order_ids:
            return by_order
        rows = self._db.execute(_PENDING_OF, {"order_ids": list(order_ids)})
        for row in rows:
            by_order.setdefault(row.order_id, []).append(_change(row))
        return by_order

    def resolve(self, change_id: str, to_status: ScheduleChangeStatus, *, now: datetime) -> bool:
        """Compare-and-set ``pending → to_status``; False when no longer pending."""
        result = self._db.execute(
            update(schedule_changes)
            .where(
                schedule_changes.c.id == change_id,
                schedule_changes.c.status == ScheduleChangeStatus.PENDING.value,
            )
            .values(status=to_status.value, resolved_at=now)
        )
        return result.rowcount == 1


def change_from(
    payload: dict[str, Any],
    status: ScheduleChangeStatus | str = ScheduleChangeStatus.PENDING,
    resolved_at: datetime | None = None,
) -> ScheduleChange:
    """A change from its stored payload and live columns (a pending one by default, as an
    order read aggregates them)."""
    data = dict(payload)
    data.update(status=status, resolved_at=resolved_at)
    return _codec.validate_python(data)


def _change(row: Row[Any]) -> ScheduleChange:
    return change_from(row.payload, row.status, row.resolved_at)
