"""Booking records → the native wire."""

from __future__ import annotations

from farebridge.api.dialects.native.models import booking_records as wire
from farebridge.api.dialects.native.presenters.common import instant
from farebridge.domain.booking_records import BookingRecord


def present_booking_record(record: BookingRecord) -> wire.BookingRecord:
    details = record.details
    return wire.BookingRecord.model_construct(
        id=record.id,
        flight_id=record.flight_id,
        booking_code=details.booking_code,
        seat_number=details.seat_number,
        seat_type=details.seat_type,
        seating_class=details.seating_class,
        reason=details.reason,
        notes=details.notes,
        owner_id=record.owner_id,
        created_at=instant(record.created_at),
        updated_at=instant(record.updated_at),
    )
