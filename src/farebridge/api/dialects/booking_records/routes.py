"""``/v1/flight/booking``: create, read, update, delete a booking; a flight's bookings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Path

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.booking_records.errors import responses
from farebridge.api.dialects.booking_records.schemas import (
    FLIGHT_ID,
    Booking,
    CreateBooking,
    Deleted,
    UpdateBooking,
)
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter
from farebridge.domain.booking_records import BookingRecord, RecordDetails
from farebridge.services import booking_records

router = APIRouter(tags=["Flight bookings"])

BookingId = Annotated[
    str, Path(alias="bookingId", description="ID of the booking", examples=["booking_01JF…"])
]
FlightIdPath = Annotated[
    str,
    Path(
        alias="flightId",
        description="ID of the flight",
        examples=["BA117-2027-01-15"],
        json_schema_extra={"pattern": FLIGHT_ID},
    ),
]


@router.post(
    "/booking",
    status_code=201,
    dependencies=[Depends(limit("booking"))],
    responses=responses(429),
)
def create_flight_booking(body: CreateBooking, services: ServicesDep, user: CurrentUser) -> Booking:
    """Create a new booking for a flight with booking details."""
    details = RecordDetails(
        booking_code=body.booking_code,
        seat_number=body.seat_number,
        seat_type=body.seat_type,
        seating_class=body.seating_class,
        reason=body.reason,
        notes=body.notes,
    )
    record = booking_records.create_record(
        services, user, flight_id=body.flight_id, details=details
    )
    return present_booking(record)


@router.put("/booking/{bookingId}", responses=responses(404, 409))
def update_flight_booking(
    booking_id: BookingId, body: UpdateBooking, services: ServicesDep, user: CurrentUser
) -> Booking:
    """Update an existing flight booking: only the fields sent change; null clears one."""
    changes: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
    record = booking_records.update_record(services, user, booking_id, changes)
    return present_booking(record)


@router.get("/booking/{bookingId}", responses=responses(404))
def get_flight_booking(booking_id: BookingId, services: ServicesDep, user: CurrentUser) -> Booking:
    """Get details of a specific flight booking."""
    return present_booking(booking_records.get_record(services, user, booking_id))


@router.get("/booking/flight/{flightId}", responses=responses())
def get_flight_bookings(
    flight_id: FlightIdPath, services: ServicesDep, user: CurrentUser
) -> list[Booking]:
    """Get all your bookings of a flight (an admin: everyone's), newest first."""
    records = booking_records.records_on_flight(services, user, flight_id)
    return [present_booking(record) for record in records]


@router.delete("/booking/{bookingId}", responses=responses(404))
def delete_flight_booking(
    booking_id: BookingId, services: ServicesDep, user: CurrentUser
) -> Deleted:
    """Delete a flight booking."""
    booking_records.delete_record(services, user, booking_id)
    return Deleted.model_construct(message="Booking deleted successfully")


def present_booking(record: BookingRecord) -> Booking:
    details = record.details
    return Booking.model_construct(
        id=record.id,
        booking_code=details.booking_code,
        seat_number=details.seat_number,
        seat_type=details.seat_type,
        seating_class=details.seating_class,
        reason=details.reason,
        notes=details.notes,
        flight_id=record.flight_id,
        user_id=record.owner_id,
        order_id=record.order_id,
        created_at=timestamp(record.created_at),
        updated_at=timestamp(record.updated_at),
    )


def timestamp(instant: datetime) -> str:
    """``2024-03-20T10:00:00.000Z``: UTC with milliseconds, as JavaScript writes it."""
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
