"""The seed's wire: request bodies and the booking object, in its camelCase names.

Create: every field but ``flightId`` is optional (null is the same as absent).
Update: only the fields sent change, ``null`` clears one; ``flightId`` is not
updatable. Unknown fields are refused (400 ``property X should not exist``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from farebridge.api.schema_rules import calendar_date
from farebridge.domain.booking_records import (
    BOOKING_CODE_MAX,
    NOTES_MAX,
    SEAT_NUMBER_MAX,
    BookingReason,
    SeatingClass,
    SeatType,
)

BookingCode = Annotated[str, StringConstraints(strict=True, max_length=BOOKING_CODE_MAX)]
SeatNumber = Annotated[str, StringConstraints(strict=True, max_length=SEAT_NUMBER_MAX)]
Notes = Annotated[str, StringConstraints(strict=True, max_length=NOTES_MAX)]
# domain.booking_records.parse_flight_id's shape (either case, surrounding spaces
# allowed): carrier, number and a calendar date (years 1000-9999).
FLIGHT_ID = rf"^ *[A-Za-z0-9]{{2}}[0-9]{{1,4}}[A-Za-z]?-{calendar_date()} *$"
FlightId = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=40),
    Field(json_schema_extra={"pattern": FLIGHT_ID}),
]


class _Wire(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=False, frozen=True
    )


class CreateBooking(_Wire):
    flight_id: FlightId = Field(
        description="Flight ID to associate the booking with: marketing carrier, number and "
        "local departure date, as /api shows it on every segment (flight_id)",
        examples=["BA117-2027-01-15"],
    )
    booking_code: BookingCode | None = Field(
        None, description="Booking code/confirmation code (max 50 characters)", examples=["ABC123"]
    )
    seat_number: SeatNumber | None = Field(
        None, description="Seat number (max 10 characters)", examples=["12A"]
    )
    seat_type: SeatType | None = Field(None, description="Type of seat position")
    seating_class: SeatingClass | None = Field(None, description="Class of service")
    reason: BookingReason | None = Field(
        None, description="Reason for the flight (personal when not given)"
    )
    notes: Notes | None = Field(
        None,
        description="Additional notes about the booking (max 500 characters)",
        examples=["Window seat preferred"],
    )


class UpdateBooking(_Wire):
    """All fields are optional. Only include the fields you want to update; null clears."""

    booking_code: BookingCode | None = Field(None, description="Set to null to clear.")
    seat_number: SeatNumber | None = Field(None, description="Set to null to clear.")
    seat_type: SeatType | None = Field(None, description="Set to null to clear.")
    seating_class: SeatingClass | None = Field(None, description="Set to null to clear.")
    reason: BookingReason | None = Field(None, description="Set to null to clear.")
    notes: Notes | None = Field(None, description="Set to null to clear.")


class Booking(BaseModel):
    """A booking object, as the create booking response."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str = Field(description="Unique booking identifier", examples=["booking_01JF…"])
    booking_code: str | None = Field(description="Booking code/confirmation code")
    seat_number: str | None = Field(description="Seat number")
    seat_type: SeatType | None = Field(description="Type of seat position")
    seating_class: SeatingClass | None = Field(description="Class of service")
    reason: BookingReason | None = Field(description="Reason for the flight")
    notes: str | None = Field(description="Additional notes about the booking")
    flight_id: str = Field(description="Flight ID associated with this booking")
    user_id: str = Field(description="User ID who owns this booking")
    order_id: str | None = Field(
        description="The owner's order on this flight that the booking annotates (farebridge)"
    )
    created_at: str = Field(
        description="Date and time when the booking was created (ISO 8601)",
        examples=["2024-03-20T10:00:00.000Z"],
        json_schema_extra={"format": "date-time"},
    )
    updated_at: str = Field(
        description="Date and time when the booking was last updated (ISO 8601)",
        examples=["2024-03-20T10:00:00.000Z"],
        json_schema_extra={"format": "date-time"},
    )


class Deleted(BaseModel):
    message: str = Field(examples=["Booking deleted successfully"])
