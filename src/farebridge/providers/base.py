"""The one Protocol every inventory provider implements.

Services talk only to this interface; ``bootstrap.py`` picks the adapter.
Providers raise only domain errors:

* ``OfferNoLongerAvailable`` — sold out / no longer bookable (terminal, 409);
* ``UpstreamUnavailable`` — failed before doing anything (retryable, 503);
* ``UpstreamTimeout`` — no answer in time, outcome unknown (504). Callers must
  not blindly retry a booking or ticketing call after this.

Every mutating call is idempotent on its natural key (booking reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from farebridge.domain.offer import Offer
from farebridge.domain.order import Passenger
from farebridge.domain.search import SearchCriteria
from farebridge.domain.seatmap import SeatMap


@dataclass(frozen=True, slots=True)
class SearchResult:
    offers: list[Offer]
    truncated: bool = False  # the search stopped at its work bound


@dataclass(frozen=True, slots=True)
class Booking:
    reference: str  # the PNR / booking reference, 6 characters
    payment_required_by: datetime | None  # None for bookings paid at once


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    passenger_id: str
    number: str  # "PPP-NNNNNNNNNN": the validating airline's 3-digit prefix


class Provider(Protocol):
    name: str

    def search(
        self, offer_request_id: str, criteria: SearchCriteria, *, now: datetime
    ) -> SearchResult:
        """Offers for ``criteria``; each offer's ``offer_request_id`` is set."""
        ...

    def recheck_offer(self, offer: Offer, *, now: datetime) -> Offer:
        """The same offer (same id) with current price and availability.

        Raises ``OfferNoLongerAvailable`` when it can no longer be booked."""
        ...

    def seat_maps(self, offer: Offer, *, now: datetime) -> list[SeatMap]: ...

    def create_booking(
        self, offer: Offer, passengers: Sequence[Passenger], *, hold: bool, now: datetime
    ) -> Booking:
        """Reserve the seats of ``offer`` atomically, or raise ``OfferNoLongerAvailable``."""
        ...

    def issue_tickets(
        self, booking_reference: str, passengers: Sequence[Passenger], *, now: datetime
    ) -> list[IssuedTicket]:
        """Ticket a booking; calling it again returns the same tickets."""
        ...

    def cancel_booking(self, booking_reference: str, *, now: datetime) -> None:
        """Cancel and release the seats; cancelling twice is a no-op."""
        ...
