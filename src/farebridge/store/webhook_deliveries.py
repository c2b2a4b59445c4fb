"""The native webhooks' delivery log: one row per event and webhook, its attempts.

Each attempt is recorded with a compare-and-set on ``attempts`` (and ``pending``),
so a delivery job that runs twice records its attempt once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from farebridge.domain.webhook_deliveries import Delivery, DeliveryStatus
from farebridge.services.ports import Page, PageRequest
from farebridge.store.pagination import keyset_page
from farebridge.store.tables import webhook_deliveries as deliveries

PENDING = DeliveryStatus.PENDING.value


class WebhookDeliveryRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, delivery: Delivery) -> bool:
        """Insert unless this webhook has a delivery of this event already; False then."""
        insert_ = pg_insert if self._db.dialect.name == "postgresql" else sqlite_insert
        inserted = self._db.execute(
            insert_(deliveries)
            .values(**_columns(delivery))
            .on_conflict_do_nothing(index_elements=["webhook_id", "event_id"])
            .returning(deliveries.c.id)
        ).first()
        return inserted is not None

    def get(self, delivery_id: str) -> Delivery | None:
        row = self._db.execute(select(deliveries).where(deliveries.c.id == delivery_id)).first()
        return None if row is None else _delivery(row)

    def list_for_webhook(self, webhook_id: str, page: PageRequest) -> Page[Delivery]:
        query = select(deliveries.c.created_at, deliveries.c.id, deliveries).where(
            deliveries.c.webhook_id == webhook_id
        )
        rows, after, before = keyset_page(
            query,
            sort_column=deliveries.c.created_at,
            id_column=deliveries.c.id,
            page=page,
            descending=True,
            execute=self._db.execute,
        )
        return Page([_delivery(r) for r in rows], after, before, page.limit)

    def record_attempt(
        self,
        delivery_id: str,
        *,
        attempts_before: int,
        status: DeliveryStatus,
        status_code: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Compare-and-set attempt ``attempts_before + 1`` of a pending delivery; False if
        it was recorded already (the job ran twice) or the delivery moved on."""
        result = self._db.execute(
            update(deliveries)
            .where(
                deliveries.c.id == delivery_id,
                deliveries.c.status == PENDING,
                deliveries.c.attempts == attempts_before,
            )
            .values(
                status=status.value,
                attempts=attempts_before + 1,
                last_status_code=status_code,
                last_error=None if error is None else error[:2000],
                next_attempt_at=next_attempt_at,
                delivered_at=now if status is DeliveryStatus.DELIVERED else None,
                updated_at=now,
            )
        )
        return result.rowcount == 1

    def give_up(self, delivery_id: str, *, attempts: int, error: str, now: datetime) -> bool:
        """Compare-and-set: a pending delivery fails without an attempt (its webhook is off)."""
        result = self._db.execute(
            update(deliveries)
            .where(
                deliveries.c.id == delivery_id,
                deliveries.c.status == PENDING,
                deliveries.c.attempts == attempts,
            )
            .values(
                status=DeliveryStatus.FAILED.value,
                last_error=error,
                next_attempt_at=None,
                updated_at=now,
            )
        )
        return result.rowcount == 1

    def restart(self, delivery_id: str, *, now: datetime, retry_until: datetime) -> bool:
        """Compare-and-set a delivered or failed delivery back to pending, due now."""
        result = self._db.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id, deliveries.c.status != PENDING)
            .values(
                status=PENDING,
                next_attempt_at=now,
                retry_until=retry_until,
                updated_at=now,
            )
        )
        return result.rowcount == 1


def _columns(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "webhook_id": delivery.webhook_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "payload": delivery.payload,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "retry_until": delivery.retry_until,
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
    }


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        webhook_id=row.webhook_id,
        event_id=row.event_id,
        event_type=row.event_type,
        payload=dict(row.payload),
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        delivered_at=row.delivered_at,
        retry_until=row.retry_until,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
