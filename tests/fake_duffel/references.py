"""``DuffelReferences`` in memory, for unit tests without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from farebridge.providers.duffel.references import DuffelBookingRecord, DuffelChangeRecord


class MemoryReferences:
    def __init__(self) -> None:
        self.rows: dict[str, DuffelBookingRecord] = {}
        self.events: dict[str, str] = {}
        self.changes: dict[str, DuffelChangeRecord] = {}

    def attempt(self, record: DuffelBookingRecord) -> DuffelBookingRecord:
        return self.rows.setdefault(record.key, record)

    def get(self, key: str) -> DuffelBookingRecord | None:
        return self.rows.get(key)

    def by_reference(self, booking_reference: str) -> DuffelBookingRecord | None:
        return next(
            (r for r in self.rows.values() if r.booking_reference == booking_reference), None
        )

    def by_order(self, duffel_order_id: str) -> DuffelBookingRecord | None:
        return next((r for r in self.rows.values() if r.duffel_order_id == duffel_order_id), None)

    def booked(
        self,
        key: str,
        *,
        duffel_order_id: str,
        booking_reference: str,
        departures: dict[str, str],
        now: datetime,
    ) -> None:
        self.rows[key] = replace(
            self.rows[key],
            duffel_order_id=duffel_order_id,
            booking_reference=booking_reference,
            departures=departures,
        )

    def mark_cancelled(self, key: str, *, now: datetime) -> None:
        self.rows[key] = replace(self.rows[key], cancelled=True)

    def change_prepared(self, record: DuffelChangeRecord) -> DuffelChangeRecord:
        return self.changes.setdefault(record.key, record)

    def get_change(self, key: str) -> DuffelChangeRecord | None:
        return self.changes.get(key)

    def change_confirmed(self, key: str, *, now: datetime) -> None:
        self.changes[key] = replace(self.changes[key], confirmed_at=now)

    def has_event(self, event_id: str) -> bool:
        return event_id in self.events

    def remember_event(self, event_id: str, event_type: str, *, now: datetime) -> bool:
        if event_id in self.events:
            return False
        self.events[event_id] = event_type
        return True
