"""Booking records (ADR 0023): a traveller's own notes about one dated flight — its
booking code, seat, seat position, class of service, the reason for the trip and
free notes. A record may annotate one of the owner's orders that flies the flight
(``order_id``) or stand alone for any flight of the timetable.

A flight is named by a stable ``flight_id``: the marketing carrier, the flight
number and the local departure date, ``BA117-2027-01-15``. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from farebridge.domain.errors import Conflict, NotFound, ValidationFailed
from farebridge.domain.itinerary import Segment
from farebridge.domain.manifest import FlightKey, segment_flight

BOOKING_CODE_MAX = 50
SEAT_NUMBER_MAX = 10
NOTES_MAX = 500

_FLIGHT_ID = re.compile(r"^([A-Z0-9]{2})([0-9]{1,4}[A-Z]?)-([0-9]{4}-[0-9]{2}-[0-9]{2})$", re.ASCII)


class SeatType(StrEnum):
    WINDOW = "window"
    MIDDLE = "middle"
    AISLE = "aisle"
    JUMPSEAT = "jumpseat"
    CAPTAIN = "captain"
    PILOT = "pilot"
    COPILOT = "copilot"
    FLIGHT_ENGINEER = "flight_engineer"
    FLIGHT_ATTENDANT = "flight_attendant"
    OBSERVER = "observer"
    OTHER = "other"


class SeatingClass(StrEnum):
    ECONOMY = "economy"
    PREMIUM_ECONOMY = "premium_economy"
    BUSINESS = "business"
    FIRST = "first"
    PRIVATE = "private"
    OTHER = "other"


class BookingReason(StrEnum):
    PERSONAL = "personal"
    BUSINESS = "business"
    CREW = "crew"
    TRAINING = "training"
    REPOSITIONING = "repositioning"
    OTHER = "other"


def flight_id(key: FlightKey) -> str:
    """``BA117-2027-01-15``: marketing carrier, number (no leading zeros), local date."""
    return f"{key.carrier}{key.number}-{key.departure_on.isoformat()}"


def segment_flight_id(segment: Segment) -> str:
    return flight_id(segment_flight(segment))


class UnknownFlight(ValidationFailed):
    """A ``flight_id`` that is malformed or names no flight of the timetable (400)."""

    code = "unknown_flight"
    title = "Unknown flight"


def parse_flight_id(value: str, *, field: str = "flight_id") -> FlightKey:
    found = _FLIGHT_ID.match(value.strip().upper())
    if found is not None:
        try:
            day = date.fromisoformat(found.group(3))
        except ValueError:
            found = None
        else:
            return FlightKey(found.group(1), found.group(2).lstrip("0") or "0", day)
    raise UnknownFlight(
        f"{value!r} is not a flight id: carrier, number and local departure date, "
        "e.g. BA117-2027-01-15.",
        field=field,
    )


class BookingRecordNotFound(NotFound):
    code = "booking_record_not_found"


class BookingRecordBusy(Conflict):
    """Updated by others on every attempt of an update (409; retry)."""

    code = "booking_record_busy"

    def __init__(self, record_id: str) -> None:
        super().__init__(f"Booking {record_id} kept changing while it was updated; retry.")


@dataclass(frozen=True, slots=True)
class RecordDetails:
    """The fields a traveller writes; every one may be absent (None)."""

    booking_code: str | None = None
    seat_number: str | None = None
    seat_type: SeatType | None = None
    seating_class: SeatingClass | None = None
    reason: BookingReason | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        for name, limit in (
            ("booking_code", BOOKING_CODE_MAX),
            ("seat_number", SEAT_NUMBER_MAX),
            ("notes", NOTES_MAX),
        ):
            value = getattr(self, name)
            if value is not None and len(value) > limit:
                raise ValidationFailed(
                    f"{name} must be at most {limit} characters.", field=name, code="too_long"
                )
            if value is not None and "\x00" in value:
                raise ValidationFailed(
                    f"{name} may not hold a NUL character.", field=name, code="invalid_character"
                )


DETAIL_FIELDS = tuple(RecordDetails.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class BookingRecord:
    id: str
    owner_id: str
    flight: FlightKey
    details: RecordDetails
    order_id: str | None  # the owner's order that flies this flight, when there is one
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def flight_id(self) -> str:
        return flight_id(self.flight)
