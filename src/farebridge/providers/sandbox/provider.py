"""The sandbox GDS as a ``Provider``: search, recheck, seat maps, book, ticket, cancel.

Offers carry everything needed to find their legs and price them again in
``provider_reference`` (``{"legs": [{"flight", "departure_on", "cabin",
"initially_available"}], "brand", "seed", "price": {"airline_currency", "fare",
"tax_per_seat", "currency", "rate"}}``); seats live in the ``SandboxInventory``
(the main database), which never oversells. Prices are guaranteed while an
offer is valid, so a recheck only re-reads availability. Each airline files in
its own currency; offers, seats and bags are sold in the search's currency at
the engine's rates (``fares/selling.py``).
"""

from __future__ import annotations

import itertools
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from farebridge.domain.errors import (
    DepartureTooSoon,
    InvalidState,
    NotFound,
    OfferExpired,
    OfferNoLongerAvailable,
    OfferPriceChanged,
    TicketDocumentsDelayed,
    TicketingNotStarted,
    UpstreamAnswerUnknown,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from farebridge.domain.fare_rules import FareRules
from farebridge.domain.itinerary import CabinClass, Slice
from farebridge.domain.manifest import FlightKey
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderService, Passenger
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.search import SearchCriteria
from farebridge.domain.seatmap import SeatMap
from farebridge.domain.timetable import ScheduledFlight
from farebridge.providers.base import (
    NO_SCENARIOS,
    Booking,
    BookingChange,
    ExchangeRateSource,
    IssuedTicket,
    SearchResult,
)
from farebridge.providers.sandbox.booking.inventory import (
    LegKey,
    LegReservation,
    SandboxBooking,
    SandboxInventory,
    SeatHold,
)
from farebridge.providers.sandbox.fares.extras import price_services
from farebridge.providers.sandbox.fares.fare_rules import build_fare_rules
from farebridge.providers.sandbox.fares.offers import (
    OfferContext,
    PlannedSlice,
    bookable,
    build_offers,
    combine,
    hold_deadline,
    plan_slice,
)
from farebridge.providers.sandbox.fares.pricing import brand_by_code, class_open, unit_hash
from farebridge.providers.sandbox.fares.selling import (
    FiledFare,
    SellingRate,
    read_price_reference,
    with_fare_raised,
)
from farebridge.providers.sandbox.fares.surcharges import card_surcharges
from farebridge.providers.sandbox.faults.plan import (
    MISSED_CONNECTION_LEFT_MINUTES,
    PRICE_CHANGE_FACTOR,
    SCENARIOS,
    SCHEDULE_CHANGE_MINUTES,
    Fault,
    FaultPlan,
)
from farebridge.providers.sandbox.search.engine import (
    DEFAULT_LIMIT,
    ConnectionRules,
    search_itineraries,
    slice_query,
)
from farebridge.providers.sandbox.search.index import search_index
from farebridge.providers.sandbox.seats.seatmap import SeatMapRequest, build_seat_map
from farebridge.providers.sandbox.seats.selection import seat_holds
from farebridge.providers.sandbox.world.airlines import Airline, sold_in
from farebridge.providers.sandbox.world.catalogue import catalogue
from farebridge.providers.sandbox.world.network import Network, cached_network
from farebridge.providers.sandbox.world.schedule import SchedulePattern

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I
DRAWN_RETIMES = (-45, 30, 55, 90, 150, 240)  # minutes a flight drawn by chance moves


class SandboxProvider:
    """A deterministic simulated airline inventory for a seed."""

    name = "sandbox"
    scenarios = SCENARIOS

    def __init__(
        self,
        inventory: SandboxInventory,
        places: PlaceDirectory,
        *,
        rates: ExchangeRateSource,
        seed: int = 7,
        offer_lifetime: timedelta = timedelta(minutes=30),
        hold_lifetime: timedelta = timedelta(hours=24),
        max_itineraries: int = DEFAULT_LIMIT,
        network: Network | None = None,
        rules: ConnectionRules | None = None,
        fault_rates: Mapping[str, float] | None = None,
        cache_dir: Path | None = None,
        min_departure_lead: timedelta = timedelta(hours=2),
        schedule_change_rate: float = 0.0,
    ) -> None:
        self._inventory = inventory
        self._places = places
        self._rates = rates
        self.seed = seed
        self._offer_lifetime = offer_lifetime
        self._hold_lifetime = hold_lifetime
        self._max_itineraries = max_itineraries
        self.network = network if network is not None else cached_network(places, seed, cache_dir)
        search_index(self.network)  # built now, so the first search is as fast as the rest
        self._rules = rules or ConnectionRules()
        self._faults = FaultPlan(fault_rates, seed=seed)
        self._min_lead = min_departure_lead
        self._schedule_change_rate = schedule_change_rate
        self._codeshare_index: dict[str, SchedulePattern] | None = None
        self._timetable: tuple[ScheduledFlight, ...] | None = None

    # --- timetable ----------------------------------------------------------
    def operates(self, flight: FlightKey) -> bool:
        """Whether the flight is flown on its local date, under its own number or as a
        codeshare (the number a partner sells it under)."""
        designator = f"{flight.carrier}{flight.number}"
        pattern = self.network.pattern(designator) or self._codeshares().get(designator)
        return pattern is not None and pattern.operates_on(flight.departure_on)

    def _codeshares(self) -> dict[str, SchedulePattern]:
        if self._codeshare_index is None:
            self._codeshare_index = {
                f"{airline.iata_code}{number}": pattern
                for pattern in self.network.patterns
                for airline, number in pattern.codeshares
            }
        return self._codeshare_index

    def timetable(self) -> Sequence[ScheduledFlight]:
        """Every flight of the timetable, numbered by schedule pattern (ADR 0022)."""
        if self._timetable is None:
            self._timetable = catalogue(self.network.patterns)
        return self._timetable

    # --- search -------------------------------------------------------------
    def search(
        self,
        offer_request_id: str,
        criteria: SearchCriteria,
        *,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> SearchResult:
        if self._faults.fires(Fault.SEARCH_TIMEOUT, scenarios):
            raise UpstreamTimeout("The sandbox airline did not answer the search in time.")
        per_slice: list[list[PlannedSlice]] = []
        truncated = False
        for request in criteria.slices:
            query = slice_query(
                self._places,
                request,
                max_connections=criteria.max_connections,
                preferred_airlines=criteria.preferred_airlines,
                earliest_departure=now + self._min_lead,
            )
            found = search_itineraries(
                self.network, query, rules=self._rules, limit=self._max_itineraries
            )
            truncated = truncated or found.truncated
            planned = (
                plan_slice(i, criteria.cabin_class, seed=self.seed) for i in found.itineraries
            )
            per_slice.append([p for p in planned if p is not None])
        round_trip = len(per_slice) > 1 and bool(per_slice[0])  # an outbound was found
        if round_trip and self._faults.fires(Fault.NO_RETURN_FLIGHTS, scenarios):
            raise NotFound("No flight found for return leg.", code="no_return_flights")
        available = self._inventory.availability(
            [leg.key for options in per_slice for planned in options for leg in planned.legs]
        )
        seats = criteria.seated_passengers
        per_slice = [[p for p in options if bookable(p, available, seats)] for options in per_slice]
        journeys, capped = combine(per_slice, limit=self._max_itineraries)
        context = OfferContext(
            offer_request_id=offer_request_id,
            criteria=criteria,
            now=now,
            seed=self.seed,
            offer_lifetime=self._offer_lifetime,
            hold_lifetime=self._hold_lifetime,
            available=available,
            rates=self._rates.current(),
        )
        offers = [
            offer
            for journey in journeys
            for offer in build_offers(context, journey)
            # a partner's offer shows its own number on our codeshares: not ours to show
            if offer.sold_only_by(criteria.preferred_airlines)
        ]
        return SearchResult(offers=offers, truncated=truncated or capped)

    # --- offers -------------------------------------------------------------
    def recheck_offer(
        self, offer: Offer, *, now: datetime, scenarios: frozenset[str] = NO_SCENARIOS
    ) -> Offer:
        if offer.is_expired(now):
            raise OfferExpired(f"Offer {offer.id} has expired.")
        self._check_bookable(offer, now=now)
        if self._faults.fires(Fault.SOLD_OUT, scenarios):
            raise OfferNoLongerAvailable(f"The seats of offer {offer.id} sold out just now.")
        if self._faults.fires(Fault.PRICE_CHANGE, scenarios):
            return self._repriced(offer)
        return offer

    def fare_rules(self, offer: Offer, *, now: datetime) -> FareRules:
        self._legs(offer)
        airline = self.network.seller(offer.owner.iata_code)
        return build_fare_rules(offer, low_cost=airline is not None and airline.is_low_cost)

    def seat_maps(self, offer: Offer, *, now: datetime) -> list[SeatMap]:
        legs = self._legs(offer)
        selling = self._selling(offer)
        segments = [(s.id, segment) for s in offer.slices for segment in s.segments]
        if len(segments) != len(legs):
            raise OfferNoLongerAvailable(f"Offer {offer.id} does not match its flights.")
        available = self._inventory.availability([leg.key for leg in legs])
        chosen = self._inventory.chosen_seats([leg.key for leg in legs])
        maps: list[SeatMap] = []
        for (slice_id, segment), leg in zip(segments, legs, strict=True):
            flight = self.network.flight(leg.key.flight, leg.key.departure_on)
            if flight is None:
                continue
            request = SeatMapRequest(
                segment_id=segment.id,
                slice_id=slice_id,
                key=leg.key,
                aircraft=flight.pattern.aircraft,
                available=available.get(leg.key, leg.initially_available),
                selling=selling,
                passengers=offer.passengers,
                chosen=chosen.get(leg.key, frozenset()),
            )
            seat_map = build_seat_map(request, seed=self.seed)
            if seat_map is not None:
                maps.append(seat_map)
        return maps

    # --- bookings -----------------------------------------------------------
    def price_services(
        self, offer: Offer, requests: Sequence[tuple[str, int]]
    ) -> list[OrderService]:
        return price_services(
            self.network, offer, self._legs(offer), requests, self._selling(offer)
        )

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
        made = self._inventory.find_by_key(key)
        if made is not None:
            return _booking(made)
        if hold and offer.requires_instant_payment:
            raise InvalidState(
                f"Offer {offer.id} must be paid at once; it cannot be held.",
                code="hold_not_allowed",
            )
        _check_passengers(offer, passengers)
        legs = self._check_bookable(offer, now=now)
        self._order_time_faults(offer, scenarios)
        deadline = self._payment_deadline(offer, now=now) if hold else None
        seats = sum(1 for passenger in passengers if passenger.type.occupies_seat)
        booking = SandboxBooking(
            reference=self._new_reference(),
            status="active",
            legs=tuple(LegReservation(leg.key, seats, leg.initially_available) for leg in legs),
            payment_required_by=deadline,
            created_at=now,
            faults=self._faults.deferred(scenarios),
            seats=self._seat_holds(offer, legs, services),
            key=key,
        )
        stored = self._inventory.reserve(booking)
        if stored is None:
            raise OfferNoLongerAvailable(f"The seats of offer {offer.id} are no longer available.")
        return _booking(stored)

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
        made = self._inventory.find_by_key(key)
        if made is not None:
            return _booking(made)
        old = self._booking(booking_reference)
        if old.status == "cancelled":
            raise InvalidState(
                f"Booking {booking_reference} is cancelled; it cannot be changed.",
                code="booking_cancelled",
            )
        if any(leg.seats == 0 for leg in old.legs):
            raise UpstreamUnavailable(
                f"Booking {booking_reference} is still settling an earlier change; retry shortly."
            )
        _check_passengers(offer, passengers)
        new_legs = self._check_bookable(offer, now=now)
        self._order_time_faults(offer, scenarios)
        seats = sum(1 for passenger in passengers if passenger.type.occupies_seat)
        legs = _changed_legs(
            old.legs,
            slices,
            remove_slice_ids,
            offer,
            [LegReservation(leg.key, seats, leg.initially_available) for leg in new_legs],
        )
        booking = SandboxBooking(
            reference=self._new_reference(),
            status="active",
            legs=legs,
            payment_required_by=None,
            created_at=now,
            faults=self._faults.deferred(scenarios),
            key=key,
            replaces=booking_reference,
        )
        stored = self._inventory.reserve(booking)
        if stored is None:
            raise OfferNoLongerAvailable(f"The seats of offer {offer.id} are no longer available.")
        return _booking(stored)

    def commit_change(self, key: str, *, now: datetime) -> Booking:
        """The second booking ``change_booking`` made is the change: nothing left to do."""
        made = self._inventory.find_by_key(key)
        if made is None:
            raise NotFound(f"No booking was made for change {key}.", code="booking_not_found")
        return _booking(made)

    def find_booking(self, key: str) -> Booking | None:
        made = self._inventory.find_by_key(key)
        return _booking(made) if made is not None else None

    def issue_tickets(
        self,
        booking_reference: str,
        passengers: Sequence[Passenger],
        *,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> list[IssuedTicket]:
        booking = self._booking(booking_reference)
        if booking.status == "cancelled":
            raise InvalidState(
                f"Booking {booking_reference} is cancelled; it cannot be ticketed.",
                code="booking_cancelled",
            )
        faults = {*booking.faults, *scenarios}
        if booking.status == "active":
            _ticketing_faults(booking_reference, faults)
        prefix = self._validating_carrier(booking).ticket_prefix
        numbers = [(p.id, f"{prefix}-{secrets.randbelow(10**10):010d}") for p in passengers]
        stored = self._inventory.issue_tickets(booking_reference, numbers, now=now)
        if Fault.ETICKET_DELAYED in faults and booking.status == "active":
            raise TicketDocumentsDelayed(
                f"The tickets of {booking_reference} are bought, but their e-tickets "
                "could not be issued yet; retry."
            )
        return [IssuedTicket(passenger_id=pid, number=number) for pid, number in stored]

    def cancel_booking(self, booking_reference: str, *, now: datetime) -> None:
        self._booking(booking_reference)
        self._inventory.release(booking_reference, now=now)  # False: already cancelled

    def booking_changes(self, booking_reference: str, *, now: datetime) -> list[BookingChange]:
        """The scripted schedule changes of the booking's faults, and the one drawn by
        chance (``schedule_change_rate``), deterministically per booking."""
        booking = self._booking(booking_reference)
        if booking.status == "cancelled" or not booking.legs:
            return []
        faults = set(booking.faults)
        changes: list[BookingChange] = []
        if Fault.SCHEDULE_CHANGE in faults:
            changes.append(self._retimed(booking, 0, SCHEDULE_CHANGE_MINUTES, "retime"))
        if Fault.MISSED_CONNECTION in faults:
            changes.append(self._missed_connection(booking))
        if Fault.FLIGHT_CANCELLED in faults:
            changes.append(self._cancelled(booking, 0, "cancel"))
        drawn = self._drawn_change(booking)
        if drawn is not None:
            changes.append(drawn)
        return changes

    def _retimed(
        self, booking: SandboxBooking, index: int, minutes: int, tag: str
    ) -> BookingChange:
        leg = booking.legs[index].key
        when = "later" if minutes >= 0 else "earlier"
        return BookingChange(
            id=f"{booking.reference}-{leg.flight}-{leg.departure_on.isoformat()}-{tag}",
            kind="schedule_change",
            flight=leg.flight,
            departure_on=leg.departure_on,
            minutes=minutes,
            message=f"Flight {leg.flight} on {leg.departure_on.isoformat()} now departs "
            f"{abs(minutes)} minutes {when}.",
            leg_index=index,
        )

    def _cancelled(self, booking: SandboxBooking, index: int, tag: str) -> BookingChange:
        leg = booking.legs[index].key
        return BookingChange(
            id=f"{booking.reference}-{leg.flight}-{leg.departure_on.isoformat()}-{tag}",
            kind="flight_cancelled",
            flight=leg.flight,
            departure_on=leg.departure_on,
            minutes=0,
            message=f"Flight {leg.flight} on {leg.departure_on.isoformat()} is cancelled "
            "by the airline.",
            leg_index=index,
        )

    def _missed_connection(self, booking: SandboxBooking) -> BookingChange:
        """The first flight followed by a connection lands so late that only
        ``MISSED_CONNECTION_LEFT_MINUTES`` are left (less than any minimum connecting
        time); a booking without connections has its first flight retimed by as much."""
        flights = [
            self.network.flight(leg.key.flight, leg.key.departure_on) for leg in booking.legs
        ]
        for index, (here, after) in enumerate(itertools.pairwise(flights)):
            if here is None or after is None or here.destination != after.origin:
                continue
            layover = after.departing_at - here.arriving_at
            if timedelta(0) < layover <= timedelta(hours=24):
                minutes = int(layover.total_seconds() // 60) - MISSED_CONNECTION_LEFT_MINUTES
                return self._retimed(booking, index, max(minutes, 1), "misconnect")
        return self._retimed(booking, 0, 6 * 60, "misconnect")

    def _drawn_change(self, booking: SandboxBooking) -> BookingChange | None:
        """By chance: one flight of the booking retimed (by 45 minutes earlier to 4 hours
        later) or, one time in five, cancelled."""
        if self._schedule_change_rate <= 0:
            return None
        draw = unit_hash(self.seed, f"schedule|{booking.reference}")
        if Decimal(draw % 10**6) / Decimal(10**6) >= Decimal(str(self._schedule_change_rate)):
            return None
        index = (draw >> 20) % len(booking.legs)
        if (draw >> 40) % 5 == 0:
            return self._cancelled(booking, index, "drawn-cancel")
        minutes = DRAWN_RETIMES[(draw >> 50) % len(DRAWN_RETIMES)]
        return self._retimed(booking, index, minutes, "drawn-retime")

    # --- helpers ------------------------------------------------------------
    def _seat_holds(
        self, offer: Offer, legs: list[LegReservation], services: Sequence[OrderService]
    ) -> tuple[SeatHold, ...]:
        if not services:
            return ()
        keys = [leg.key for leg in legs]
        return seat_holds(
            self.network,
            offer,
            legs,
            services,
            seed=self.seed,
            available=self._inventory.availability(keys),
            chosen=self._inventory.chosen_seats(keys),
        )

    def _order_time_faults(self, offer: Offer, scenarios: frozenset[str]) -> None:
        if self._faults.fires(Fault.TIMEOUT, scenarios):
            raise UpstreamTimeout("The sandbox airline did not answer the booking in time.")
        if self._faults.fires(Fault.UNAVAILABLE, scenarios):
            raise UpstreamUnavailable("The sandbox airline failed before booking anything.")
        if offer.requires_instant_payment and self._faults.fires(
            Fault.VIRTUAL_CARD_UNAVAILABLE, scenarios
        ):
            raise UpstreamUnavailable(
                "No virtual card could be had to pay the airline; nothing was booked.",
                code="virtual_card_unavailable",
            )
        if self._faults.fires(Fault.SOLD_OUT, scenarios):
            raise OfferNoLongerAvailable(f"The seats of offer {offer.id} sold out just now.")
        if self._faults.fires(Fault.PRICE_CHANGE, scenarios):
            repriced = self._repriced(offer)
            raise OfferPriceChanged(
                f"The airline re-priced offer {offer.id}: {offer.total} is now {repriced.total}. "
                "Review the offer and order again.",
                repriced=repriced,
            )

    def _seller(self, code: str) -> Airline:
        airline = self.network.seller(code)
        if airline is None:
            raise KeyError(code)
        return airline

    def _validating_carrier(self, booking: SandboxBooking) -> Airline:
        """The airline whose ticket stock is used: the offer's owner, the first seller
        that is not a regional airline interlining with it."""
        sellers = []
        for leg in booking.legs:
            pattern = self.network.pattern(leg.key.flight)
            if pattern is None:
                raise NotFound(f"No sandbox flight {leg.key.flight}.", code="flight_not_found")
            sellers.append(pattern.airline)
        return next((a for a in sellers if len(sold_in(a)) == 1), sellers[0])

    def _booking(self, reference: str) -> SandboxBooking:
        booking = self._inventory.get_booking(reference)
        if booking is None:
            raise NotFound(f"No sandbox booking {reference}.", code="booking_not_found")
        return booking

    def _legs(self, offer: Offer) -> list[LegReservation]:
        """The offer's legs from its provider reference (seats left at zero)."""
        reference = offer.provider_reference
        try:
            if reference["seed"] != self.seed:
                raise OfferNoLongerAvailable(f"Offer {offer.id} is from another sandbox schedule.")
            return [
                LegReservation(
                    LegKey(
                        str(leg["flight"]), date.fromisoformat(leg["departure_on"]), leg["cabin"]
                    ),
                    0,
                    int(leg["initially_available"]),
                )
                for leg in reference["legs"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise OfferNoLongerAvailable(f"Offer {offer.id} is not a sandbox offer.") from exc

    def _price(self, offer: Offer) -> tuple[FiledFare, SellingRate]:
        """The fare the owner filed and the rate it is sold at, from the provider reference."""
        try:
            return read_price_reference(offer.provider_reference)
        except (KeyError, TypeError, ValueError) as exc:
            raise OfferNoLongerAvailable(f"Offer {offer.id} is not a sandbox offer.") from exc

    def _selling(self, offer: Offer) -> SellingRate:
        return self._price(offer)[1]

    def _repriced(self, offer: Offer) -> Offer:
        """The same offer with its filed fare raised by the price-change fault."""
        filed, selling = self._price(offer)
        repriced = with_fare_raised(offer, filed, selling, PRICE_CHANGE_FACTOR)
        airline = self.network.seller(offer.owner.iata_code)
        if airline is None:
            return repriced
        seated = sum(1 for passenger in offer.passengers if passenger.type.occupies_seat)
        fees = card_surcharges(airline, repriced.total, seated, selling)
        return replace(repriced, card_surcharges=fees)

    def _check_bookable(self, offer: Offer, *, now: datetime) -> list[LegReservation]:
        """The legs, or ``OfferNoLongerAvailable`` when departed, gone or sold out."""
        legs = self._legs(offer)
        if not offer.slices:
            raise OfferNoLongerAvailable(f"Offer {offer.id} has no flights.")
        if offer.departs_too_soon(now=now, lead=self._min_lead):
            raise DepartureTooSoon(
                f"The first flight of offer {offer.id} leaves at "
                f"{offer.slices[0].departing_at.isoformat()}, within the "
                f"{_hours(self._min_lead)} before departure when booking closes; search again.",
                field="selected_offers",
            )
        if any(self.network.flight(leg.key.flight, leg.key.departure_on) is None for leg in legs):
            raise OfferNoLongerAvailable(f"A flight of offer {offer.id} no longer operates.")
        seats = sum(1 for passenger in offer.passengers if passenger.type.occupies_seat)
        available = self._inventory.availability([leg.key for leg in legs])
        for leg in legs:
            if available.get(leg.key, leg.initially_available) < seats:
                raise OfferNoLongerAvailable(
                    f"Flight {leg.key.flight} on {leg.key.departure_on} is sold out."
                )
        self._check_class_open(offer, legs, available, seats)
        return legs

    def _check_class_open(
        self, offer: Offer, legs: list[LegReservation], available: dict[LegKey, int], seats: int
    ) -> None:
        """Cheap booking classes close as the cabin fills (nested inventory)."""
        try:
            airline = self._seller(offer.owner.iata_code)
            brand = brand_by_code(airline, str(offer.provider_reference.get("brand")))
        except KeyError as exc:
            raise OfferNoLongerAvailable(f"Offer {offer.id} is not a sandbox fare.") from exc
        for leg in legs:
            flight = self.network.flight(leg.key.flight, leg.key.departure_on)
            assert flight is not None  # checked by the caller
            capacity = flight.pattern.aircraft.capacity(CabinClass(leg.key.cabin))
            left = available.get(leg.key, leg.initially_available)
            if not class_open(brand, seats_left=left, capacity=capacity, seats=seats):
                raise OfferNoLongerAvailable(
                    f"The {brand.name} fare class on {leg.key.flight} has closed; "
                    "search again for the fares still on sale."
                )

    def _payment_deadline(self, offer: Offer, *, now: datetime) -> datetime:
        deadline = hold_deadline(
            offer.slices[0].departing_at, now=now, hold_lifetime=self._hold_lifetime
        )
        if deadline is None:
            raise InvalidState(
                f"Offer {offer.id} departs too soon to be held; pay at once.",
                code="hold_not_available",
            )
        return deadline

    def _new_reference(self) -> str:
        for _ in range(10):
            reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
            if self._inventory.get_booking(reference) is None:
                return reference
        raise UpstreamUnavailable("The sandbox could not allocate a booking reference.")


def _ticketing_faults(booking_reference: str, faults: set[str]) -> None:
    """The faults that fire when a booking is ticketed, before anything is issued."""
    if Fault.TICKETING_UNKNOWN in faults:
        raise UpstreamTimeout(
            f"The sandbox airline did not confirm ticketing of "
            f"{booking_reference}; the outcome is unknown."
        )
    if Fault.TICKETING_ANSWER_UNKNOWN in faults:
        raise UpstreamAnswerUnknown(
            f"The sandbox airline answered the ticketing of {booking_reference} with "
            "something unknown; the outcome is unknown.",
            code="ticket_answer_unknown",
        )
    if Fault.PNR_QUERY_FAILED in faults:
        raise TicketingNotStarted(
            f"The sandbox airline could not check {booking_reference} before ticketing; "
            "nothing was issued."
        )
    if Fault.PNR_QUERY_TIMEOUT in faults:
        raise TicketingNotStarted(
            f"Checking {booking_reference} before ticketing timed out; nothing was issued.",
            code="pnr_query_timeout",
        )


def _hours(lead: timedelta) -> str:
    hours = lead.total_seconds() / 3600
    return f"{hours:g} h" if hours >= 1 else f"{lead.total_seconds() / 60:g} min"


def _booking(stored: SandboxBooking) -> Booking:
    return Booking(
        reference=stored.reference,
        payment_required_by=stored.payment_required_by,
        active=stored.status != "cancelled",
    )


def _changed_legs(
    old_legs: Sequence[LegReservation],
    slices: Sequence[Slice],
    remove_slice_ids: Sequence[str],
    offer: Offer,
    new_legs: Sequence[LegReservation],
) -> tuple[LegReservation, ...]:
    """The legs after a change, slice by slice in travel order: the kept slices' legs
    carried over (0 seats: the old booking still holds them), the new slices' legs."""
    if sum(len(s.segments) for s in slices) != len(old_legs):
        raise InvalidState("The slices do not match the booking.", code="booking_mismatch")
    if sum(len(s.segments) for s in offer.slices) != len(new_legs):
        raise OfferNoLongerAvailable(f"Offer {offer.id} does not match its flights.")
    removed = set(remove_slice_ids)
    chunks: list[tuple[datetime, tuple[LegReservation, ...]]] = []
    position = 0
    for item in slices:
        count = len(item.segments)
        if item.id not in removed:
            carried = tuple(
                LegReservation(leg.key, 0, leg.initially_available)
                for leg in old_legs[position : position + count]
            )
            chunks.append((item.departing_at, carried))
        position += count
    position = 0
    for item in offer.slices:
        count = len(item.segments)
        chunks.append((item.departing_at, tuple(new_legs[position : position + count])))
        position += count
    chunks.sort(key=lambda chunk: chunk[0])
    return tuple(leg for _, legs in chunks for leg in legs)


def _check_passengers(offer: Offer, passengers: Sequence[Passenger]) -> None:
    booked = Counter(passenger.type for passenger in passengers)
    offered = Counter(passenger.type for passenger in offer.passengers)
    if booked != offered:
        raise InvalidState(
            f"The passengers do not match offer {offer.id}.", code="passengers_mismatch"
        )
