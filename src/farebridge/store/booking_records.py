"""Booking records (ADR 0023). An update is ``UPDATE … WHERE id = :id AND version =
:version`` and a delete removes the row, so an update that raced a delete changes
nothing (it never brings the record back)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from farebridge.domain.booking_records import (
    BookingReason,
    BookingRecord,
    RecordDetails,
    SeatingClass,
    SeatType,
)
from farebridge.domain.manifest import FlightKey
from farebridge.store.tables import booking_records


class BookingRecordRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, record: BookingRecord) -> None:
        self._db.execute(
            insert(booking_records).values(
                id=record.id,
                owner_id=record.owner_id,
                carrier=record.flight.carrier,
                number=record.flight.number,
                departure_on=record.flight.departure_on,
                order_id=record.order_id,
                version=record.version,
                created_at=record.created_at,
                updated_at=record.updated_at,
                **_details(record.details),
            )
        )

    def get(self, record_id: str) -> BookingRecord | None:
        row = self._db.execute(
            select(booking_records).where(booking_records.c.id == record_id)
        ).first()
        return _record(row) if row else None

    def on_flight(
        self, flight: FlightKey, *, owner_ids: list[str] | None = None
    ) -> list[BookingRecord]:
        """The records on ``flight``, newest first; only ``owner_ids``' when given."""
        query = select(booking_records).where(
            booking_records.c.carrier == flight.carrier,
            booking_records.c.number == flight.number,
            booking_records.c.departure_on == flight.departure_on,
        )
        if owner_ids is not None:
            query = query.where(booking_records.c.owner_id.in_(owner_ids))
        rows = self._db.execute(
            query.order_by(booking_records.c.created_at.desc(), booking_records.c.id.desc())
        )
        return [_record(row) for row in rows]

    def for_order(self, order_id: str) -> list[BookingRecord]:
        rows = self._db.execute(
            select(booking_records)
            .where(booking_records.c.order_id == order_id)
            .order_by(booking_records.c.created_at, booking_records.c.id)
        )
        return [_record(row) for row in rows]

    def update(
        self, record_id: str, details: RecordDetails, *, version: int, now: datetime
    ) -> bool:
        """Compare-and-set on ``version``; False when the record changed or is gone."""
        result = self._db.execute(
            update(booking_records)
            .where(booking_records.c.id == record_id, booking_records.c.version == version)
            .values(version=version + 1, updated_at=now, **_details(details))
        )
        return result.rowcount == 1

    def remove(self, record_id: str) -> bool:
        """False when the record was already gone."""
        result = self._db.execute(delete(booking_records).where(booking_records.c.id == record_id))
        return result.rowcount == 1


def _details(details: RecordDetails) -> dict[str, Any]:
    return {
        "booking_code": details.booking_code,
        "seat_number": details.seat_number,
        "seat_type": details.seat_type.value if details.seat_type else None,
        "seating_class": details.seating_class.value if details.seating_class else None,
        "reason": details.reason.value if details.reason else None,
        "notes": details.notes,
    }


def _record(row: Row[Any]) -> BookingRecord:
    m = row._mapping
    return BookingRecord(
        id=m["id"],
        owner_id=m["owner_id"],
        flight=FlightKey(m["carrier"], m["number"], m["departure_on"]),
        details=RecordDetails(
            booking_code=m["booking_code"],
            seat_number=m["seat_number"],
            seat_type=SeatType(m["seat_type"]) if m["seat_type"] else None,
            seating_class=SeatingClass(m["seating_class"]) if m["seating_class"] else None,
            reason=BookingReason(m["reason"]) if m["reason"] else None,
            notes=m["notes"],
        ),
        order_id=m["order_id"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
    )
