"""Booking records that annotate an order (ADR 0023; written at /v1/flight/booking)."""

from __future__ import annotations

from pydantic import Field

from farebridge.api.dialects.native.models.common import Instant, WireModel
from farebridge.domain.booking_records import BookingReason, SeatingClass, SeatType


class BookingRecord(WireModel):
    """A traveller's notes on one flight of the order."""

    id: str
    flight_id: str = Field(description="The segment's flight_id, e.g. BA117-2027-01-15")
    booking_code: str | None
    seat_number: str | None
    seat_type: SeatType | None
    seating_class: SeatingClass | None
    reason: BookingReason | None
    notes: str | None
    owner_id: str
    created_at: Instant
    updated_at: Instant


class BookingRecordListResponse(WireModel):
    data: list[BookingRecord]
