"""What the Duffel provider remembers between calls (``store/duffel_refs.py`` implements it).

A booking row is written *before* ``POST /air/orders`` — our key (the order id),
Duffel's offer id, the passengers' id map and what was asked — so that after a
timeout ``find_booking(key)`` knows which Duffel offer to ask about, and every
later call (by booking reference) finds Duffel's order id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class DuffelBookingRecord:
    key: str  # our order id
    duffel_offer_id: str
    duffel_type: str  # "hold" | "instant": the kind of Duffel order asked for
    hold: bool  # whether our order is a hold (payment due later)
    amount: str  # what Duffel is paid for an instant order, in its currency
    currency: str
    passengers: dict[str, str]  # our passenger id → Duffel's
    created_at: datetime
    duffel_order_id: str | None = None
    booking_reference: str | None = None
    departures: dict[str, str] = field(default_factory=dict)  # flight → local ISO time booked
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class DuffelChangeRecord:
    """A change of a Duffel order, prepared (a pending Duffel order change) under our
    change id, and whether we confirmed it."""

    key: str  # our change id
    booking_key: str  # the key of the booking it changes (our order id)
    duffel_order_change_id: str
    amount: str  # Duffel's change total, in its currency (paid when above zero)
    currency: str
    created_at: datetime
    confirmed_at: datetime | None = None


class DuffelReferences(Protocol):
    def attempt(self, record: DuffelBookingRecord) -> DuffelBookingRecord:
        """Record an attempt to book for ``record.key``; the stored row if one exists."""
        ...

    def get(self, key: str) -> DuffelBookingRecord | None: ...

    def by_reference(self, booking_reference: str) -> DuffelBookingRecord | None: ...

    def by_order(self, duffel_order_id: str) -> DuffelBookingRecord | None: ...

    def booked(
        self,
        key: str,
        *,
        duffel_order_id: str,
        booking_reference: str,
        departures: dict[str, str],
        now: datetime,
    ) -> None: ...

    def mark_cancelled(self, key: str, *, now: datetime) -> None: ...

    def change_prepared(self, record: DuffelChangeRecord) -> DuffelChangeRecord:
        """Record a prepared change; the stored row if ``record.key`` has one already."""
        ...

    def get_change(self, key: str) -> DuffelChangeRecord | None: ...

    def change_confirmed(self, key: str, *, now: datetime) -> None: ...

    def has_event(self, event_id: str) -> bool: ...

    def remember_event(self, event_id: str, event_type: str, *, now: datetime) -> bool:
        """False when the event was already recorded (a replay)."""
        ...
