"""SQL side of the Duffel provider: its booking references, the order changes it
prepared, and the webhook events seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Insert, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.providers.duffel.references import DuffelBookingRecord, DuffelChangeRecord
from farebridge.store.tables import duffel_bookings, duffel_order_changes, duffel_webhook_events


class SqlDuffelReferences:
    """Implements ``providers.duffel.references.DuffelReferences``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def attempt(self, record: DuffelBookingRecord) -> DuffelBookingRecord:
        self._insert_once(
            insert(duffel_bookings).values(
                key=record.key,
                duffel_offer_id=record.duffel_offer_id,
                duffel_type=record.duffel_type,
                hold=int(record.hold),
                amount=record.amount,
                currency=record.currency,
                passengers=record.passengers,
                departures=record.departures,
                cancelled=0,
                created_at=record.created_at,
                updated_at=record.created_at,
            )
        )
        stored = self.get(record.key)
        assert stored is not None
        return stored

    def get(self, key: str) -> DuffelBookingRecord | None:
        return self._one(duffel_bookings.c.key == key)

    def by_reference(self, booking_reference: str) -> DuffelBookingRecord | None:
        return self._one(duffel_bookings.c.booking_reference == booking_reference)

    def by_order(self, duffel_order_id: str) -> DuffelBookingRecord | None:
        return self._one(duffel_bookings.c.duffel_order_id == duffel_order_id)

    def booked(
        self,
        key: str,
        *,
        duffel_order_id: str,
        booking_reference: str,
        departures: dict[str, str],
        now: datetime,
    ) -> None:
        with self._engine.begin() as db:
            db.execute(
                update(duffel_bookings)
                .where(duffel_bookings.c.key == key)
                .values(
                    duffel_order_id=duffel_order_id,
                    booking_reference=booking_reference,
                    departures=departures,
                    updated_at=now,
                )
            )

    def mark_cancelled(self, key: str, *, now: datetime) -> None:
        with self._engine.begin() as db:
            db.execute(
                update(duffel_bookings)
                .where(duffel_bookings.c.key == key)
                .values(cancelled=1, updated_at=now)
            )

    def change_prepared(self, record: DuffelChangeRecord) -> DuffelChangeRecord:
        self._insert_once(
            insert(duffel_order_changes).values(
                key=record.key,
                booking_key=record.booking_key,
                duffel_order_change_id=record.duffel_order_change_id,
                amount=record.amount,
                currency=record.currency,
                created_at=record.created_at,
                confirmed_at=record.confirmed_at,
            )
        )
        stored = self.get_change(record.key)
        assert stored is not None
        return stored

    def get_change(self, key: str) -> DuffelChangeRecord | None:
        with self._engine.connect() as db:
            row = db.execute(
                select(duffel_order_changes).where(duffel_order_changes.c.key == key)
            ).first()
        if row is None:
            return None
        return DuffelChangeRecord(
            key=row.key,
            booking_key=row.booking_key,
            duffel_order_change_id=row.duffel_order_change_id,
            amount=row.amount,
            currency=row.currency,
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
        )

    def change_confirmed(self, key: str, *, now: datetime) -> None:
        with self._engine.begin() as db:
            db.execute(
                update(duffel_order_changes)
                .where(
                    duffel_order_changes.c.key == key,
                    duffel_order_changes.c.confirmed_at.is_(None),
                )
                .values(confirmed_at=now)
            )

    def has_event(self, event_id: str) -> bool:
        with self._engine.connect() as db:
            found = db.execute(
                select(duffel_webhook_events.c.event_id).where(
                    duffel_webhook_events.c.event_id == event_id
                )
            ).first()
        return found is not None

    def remember_event(self, event_id: str, event_type: str, *, now: datetime) -> bool:
        try:
            with self._engine.begin() as db:
                db.execute(
                    insert(duffel_webhook_events).values(
                        event_id=event_id, type=event_type, received_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def _insert_once(self, statement: Insert) -> None:
        """Insert a row keyed on the caller's key; if one is there, the first row stands."""
        try:
            with self._engine.begin() as db:
                db.execute(statement)
        except IntegrityError:
            pass

    def _one(self, condition: Any) -> DuffelBookingRecord | None:
        with self._engine.connect() as db:
            row = db.execute(
                select(duffel_bookings)
                .where(condition)
                .order_by(duffel_bookings.c.created_at.desc())
                .limit(1)
            ).first()
        return _record(row) if row is not None else None


def _record(row: Row[Any]) -> DuffelBookingRecord:
    return DuffelBookingRecord(
        key=row.key,
        duffel_offer_id=row.duffel_offer_id,
        duffel_type=row.duffel_type,
        hold=bool(row.hold),
        amount=row.amount,
        currency=row.currency,
        passengers=dict(row.passengers),
        created_at=row.created_at,
        duffel_order_id=row.duffel_order_id,
        booking_reference=row.booking_reference,
        departures=dict(row.departures or {}),
        cancelled=bool(row.cancelled),
    )
