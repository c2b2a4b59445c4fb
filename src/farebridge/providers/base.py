"""The Protocols every upstream implements: ``Provider`` (airline inventory) and
``PaymentGateway`` (money).

Services talk only to these interfaces; ``bootstrap.py`` builds the adapters
that settings enable into a ``ProviderRegistry`` (``providers/registry.py``).
Providers raise only domain errors:

* ``OfferNoLongerAvailable`` — sold out / no longer bookable (terminal, 409);
* ``UpstreamUnavailable`` — failed before doing anything (retryable, 503);
* ``UpstreamTimeout`` — no answer in time, outcome unknown (504). Callers must
  not blindly retry a booking or ticketing call after this;
* ``OfferPriceChanged`` — the fare was re-priced at booking time (409);
* ``SeatUnavailable`` — a chosen seat was taken by someone else (409).

Money: every offer of a search comes back priced in ``criteria.currency`` (the
selling currency the engine chose): ``base``, ``tax``, ``passenger_prices``,
condition penalties and ``available_services``; so are the seats of its seat
maps and the extras ``price_services`` prices for it. A provider whose airline
files in another currency converts, and may keep the airline's own fare in
``Offer.airline_fare``. The search service drops any offer not in the selling
currency. Providers that convert use the engine's rates through an
``ExchangeRateSource`` given to them in ``bootstrap.py``.

Every mutating call is idempotent on its natural key: ``create_booking`` on the
caller's ``key`` (our order id, so that ``find_booking(key)`` finds a booking a
crash left unrecorded), the others on the booking reference.

Test faults (``scenarios``) are data passed with each call, never ambient
state: a simulated provider acts on the names it knows, a real one ignores them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from farebridge.domain.card_surcharges import CardType
from farebridge.domain.fare_rules import FareRules
from farebridge.domain.itinerary import Slice
from farebridge.domain.manifest import FlightKey
from farebridge.domain.money import ExchangeRates, Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderService, Passenger
from farebridge.domain.payment import PaymentMethod
from farebridge.domain.search import SearchCriteria
from farebridge.domain.seatmap import SeatMap
from farebridge.domain.timetable import ScheduledFlight


@dataclass(frozen=True, slots=True)
class SearchResult:
    offers: list[Offer]
    truncated: bool = False  # the search stopped at its work bound


@dataclass(frozen=True, slots=True)
class Booking:
    reference: str  # the PNR / booking reference, 6 characters
    payment_required_by: datetime | None  # None for bookings paid at once
    active: bool = True  # False once cancelled
    # A change's booking that *is* the booking it changed, changed in place by the airline
    # (Duffel); its reference may be new. Nothing of it is ever released as "the old one".
    in_place: bool = False


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    passenger_id: str
    number: str  # "PPP-NNNNNNNNNN": the validating airline's 3-digit prefix


@dataclass(frozen=True, slots=True)
class BookingChange:
    """Something the airline changed on a booking, e.g. a retimed flight."""

    id: str  # stable: the same change reported twice has the same id
    kind: str  # "schedule_change" (retimed) | "flight_cancelled"
    flight: str
    departure_on: date
    minutes: int  # how far the departure (and arrival) moved (positive: later); 0: cancelled
    message: str
    # The flight's position among the booking's flights in travel order, when the
    # provider knows it (a codeshare's designator may not be the one the order shows).
    leg_index: int | None = None


NO_SCENARIOS: frozenset[str] = frozenset()


class ExchangeRateSource(Protocol):
    """The engine's current exchange rates (the operator's table, briefly cached)."""

    def current(self) -> ExchangeRates: ...


def parse_scenarios(header: str | None, known: frozenset[str]) -> frozenset[str]:
    """``"sold_out, timeout"`` → ``{"sold_out", "timeout"}``; unknown names and empty ones
    (``"sold_out,,timeout"``, ``","``) raise ValueError, as the documents' pattern says
    (api/openapi.scenario_pattern)."""
    if not header or not header.strip():
        return frozenset()
    parts = [part.strip().lower() for part in header.split(",")]
    if not all(parts):
        raise ValueError("an empty test scenario name: separate names with one comma")
    names = set(parts)
    unknown = names - known
    if unknown:
        raise ValueError(
            f"unknown test scenario {', '.join(sorted(unknown))}; "
            f"this provider knows: {', '.join(sorted(known)) or 'none'}"
        )
    return frozenset(names)


class Provider(Protocol):
    name: str
    scenarios: frozenset[str]  # test scenarios it can script; empty for real airlines

    def search(
        self,
        offer_request_id: str,
        criteria: SearchCriteria,
        *,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> SearchResult:
        """Offers for ``criteria``, priced in ``criteria.currency``; each offer's
        ``offer_request_id`` is set."""
        ...

    def recheck_offer(
        self, offer: Offer, *, now: datetime, scenarios: frozenset[str] = NO_SCENARIOS
    ) -> Offer:
        """The same offer (same id) with current price and availability.

        Raises ``OfferNoLongerAvailable`` when it can no longer be booked."""
        ...

    def seat_maps(self, offer: Offer, *, now: datetime) -> list[SeatMap]: ...

    def fare_rules(self, offer: Offer, *, now: datetime) -> FareRules: ...

    def price_services(
        self, offer: Offer, requests: Sequence[tuple[str, int]]
    ) -> list[OrderService]:
        """The chosen extras ``(service id, quantity)`` — seats from the seat maps, bags from
        the offer's ``available_services`` — priced; ``ValidationFailed`` naming
        ``services[i]`` when an id is unknown, repeated, or does not fit the passengers."""
        ...

    def create_booking(
        self,
        offer: Offer,
        passengers: Sequence[Passenger],
        *,
        key: str,
        hold: bool,
        now: datetime,
        services: Sequence[OrderService] = (),
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> Booking:
        """Reserve the seats of ``offer`` (and the chosen seats) atomically, or raise
        ``OfferNoLongerAvailable`` / ``SeatUnavailable``. Calling it again with the same
        ``key`` returns the booking made the first time."""
        ...

    def change_booking(
        self,
        booking_reference: str,
        offer: Offer,
        passengers: Sequence[Passenger],
        *,
        key: str,
        slices: Sequence[Slice],
        remove_slice_ids: Sequence[str],
        change_total: Money,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> Booking:
        """Step one of a change: a new booking under ``key`` (our change id) that replaces
        ``booking_reference``, made final by ``commit_change(key)`` once the customer has
        paid ``change_total`` (what they were quoted, in the selling currency).

        A provider that swaps flights in a second booking (the sandbox) books it here:
        ``slices`` are the booking's slices, ``remove_slice_ids`` the ones that ``offer``'s
        slices replace. The seats of ``offer``'s flights are taken now (or
        ``OfferNoLongerAvailable``); the kept flights are carried over without being
        taken twice. Until ``cancel_booking(booking_reference)`` the old booking keeps
        every seat it holds; cancelling it then hands the kept flights' seats to the new
        booking and releases the removed ones. Cancelling the new booking before that
        releases only what it took. Calling it again with the same ``key`` returns the
        booking made the first time (``find_booking(key)`` finds it too).

        A provider whose airline changes a booking *in place* (Duffel) only prepares the
        change here — it asks the airline for the new flights and their price, holding
        nothing, and raises when the airline asks more than ``change_total`` — and
        returns a booking marked ``in_place``: nothing is to be released, before or after."""
        ...

    def commit_change(self, key: str, *, now: datetime) -> Booking:
        """Step two, after the customer has paid: make the change under ``key`` final.
        The sandbox has nothing left to do and returns its booking; Duffel confirms the
        prepared change and pays the airline. Calling it again returns the same booking.
        ``UpstreamTimeout``: outcome unknown — ``find_booking(key)`` tells later (a
        booking for an in-place change only once it is committed)."""
        ...

    def find_booking(self, key: str) -> Booking | None:
        """The booking ``create_booking`` made for ``key``, cancelled or not; None if none."""
        ...

    def issue_tickets(
        self,
        booking_reference: str,
        passengers: Sequence[Passenger],
        *,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> list[IssuedTicket]:
        """Ticket a booking; calling it again returns the same tickets."""
        ...

    def cancel_booking(self, booking_reference: str, *, now: datetime) -> None:
        """Cancel and release the seats; cancelling twice is a no-op."""
        ...

    def booking_changes(self, booking_reference: str, *, now: datetime) -> list[BookingChange]:
        """Changes the airline made to the booking since it was made (schedule changes)."""
        ...


@dataclass(frozen=True, slots=True)
class ChargeResult:
    succeeded: bool
    failure_code: str | None = None  # card_declined | insufficient_funds | …
    failure_message: str | None = None


@runtime_checkable
class Timetable(Protocol):
    """An optional capability of a provider that knows its airlines' schedules (the
    sandbox): the booking-records dialect checks a flight id against it (ADR 0023), the
    flight_api dialect lists it by stable number (ADR 0022)."""

    def operates(self, flight: FlightKey) -> bool:
        """Whether ``flight`` (marketing carrier, number, local date) is flown."""
        ...

    def timetable(self) -> Sequence[ScheduledFlight]:
        """Every flight of the timetable, numbered (``domain.timetable``)."""
        ...


class PaymentGateway(Protocol):
    """Takes and gives back money. Every call is idempotent on its id.

    ``charge`` twice with one ``payment_id`` charges once and answers the same;
    ``refund`` twice with one ``refund_id`` refunds once, and refuses (raises
    ``InvalidState``) to refund what was never charged or more than was charged.
    """

    def card_type(self, method: PaymentMethod) -> CardType | None:
        """The scheme of the card a payment method charges (it prices the airline's card
        fee); None for a balance payment or a card whose scheme the gateway cannot tell."""
        ...

    def charge(self, payment_id: str, amount: Money, method: PaymentMethod) -> ChargeResult: ...

    def find_charge(self, payment_id: str) -> ChargeResult | None:
        """What became of a charge; None when the gateway never charged this payment."""
        ...

    def refund(self, refund_id: str, payment_id: str, amount: Money) -> None: ...
