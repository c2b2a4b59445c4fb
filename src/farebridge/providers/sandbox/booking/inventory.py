"""The sandbox's port to its seat inventory, which lives in the main database.

Implemented with SQL in ``store/sandbox_inventory.py`` (SQL lives only in
``store/``); unit tests use an in-memory fake. Availability is materialised
lazily: a flight-date-cabin row is created on first use with the seats that
simulated prior demand left, so a year of schedule is not a year of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LegKey:
    flight: str  # marketing flight designator, e.g. "BA117"
    departure_on: date  # local departure date at the origin
    cabin: str  # cabin class value


@dataclass(frozen=True, slots=True)
class LegReservation:
    key: LegKey
    seats: int  # seats to take (passengers who occupy a seat); 0: carried over (below)
    initially_available: int  # availability to materialise if the row is new


@dataclass(frozen=True, slots=True)
class SeatHold:
    """A specific seat chosen by one passenger: unique per flight-date in the store."""

    key: LegKey
    designator: str
    passenger_id: str


@dataclass(frozen=True, slots=True)
class SandboxBooking:
    reference: str
    status: str  # "active" | "ticketed" | "cancelled"
    legs: tuple[LegReservation, ...]
    payment_required_by: datetime | None
    created_at: datetime
    faults: tuple[str, ...] = ()  # scripted faults that fire later (faults.DEFERRED)
    seats: tuple[SeatHold, ...] = ()
    key: str | None = None  # the caller's idempotency key (our order id); unique
    # A change's booking: the booking it replaces. Its legs with 0 seats are the
    # flights carried over from that booking, whose seats it hands over when released.
    replaces: str | None = None


class SandboxInventory(Protocol):
    def availability(self, keys: Sequence[LegKey]) -> dict[LegKey, int]:
        """Seats left for the keys that are materialised; absent keys are untouched."""
        ...

    def reserve(self, booking: SandboxBooking) -> SandboxBooking | None:
        """In one transaction: take every leg's seats (never below zero), hold the
        chosen seats and store the booking, taking the legs in one fixed order.
        Return None, changing nothing, if any leg lacks seats; raise
        ``SeatUnavailable``, changing nothing, if a chosen seat is held already.
        A booking with the same ``key`` made before is returned unchanged."""
        ...

    def find_by_key(self, key: str) -> SandboxBooking | None: ...

    def chosen_seats(self, keys: Sequence[LegKey]) -> dict[LegKey, frozenset[str]]:
        """Seats held by bookings, per flight-date-cabin."""
        ...

    def release(self, reference: str, *, now: datetime) -> bool:
        """Cancel an active or ticketed booking and give its seats (and chosen seats)
        back, once, taking the legs in the same order as ``reserve``. When a live
        booking ``replaces`` this one, the legs it carries over (0 seats) get this
        booking's seats and chosen seats instead, in the same transaction.
        Return False when it was already cancelled or does not exist."""
        ...

    def get_booking(self, reference: str) -> SandboxBooking | None: ...

    def issue_tickets(
        self, reference: str, numbers: Sequence[tuple[str, str]], *, now: datetime
    ) -> list[tuple[str, str]]:
        """Store ``(passenger_id, ticket_number)`` pairs for a booking once and mark it
        ticketed; a second call returns the pairs stored by the first."""
        ...
