"""Book a flight of the timetable by its number and date (the flight_api dialect):
search that day's route for the nonstop offer on exactly this flight in the cabin,
then hold it as an ordinary order of the user.

The traveller's own details that the engine has no field for (seat preference,
baggage weights, the dialect's flight number) are kept in the order's metadata
under ``flight_api``, as a JSON string (metadata values are strings; ADR 0022).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from farebridge.domain.account import User
from farebridge.domain.baggage_allowance import excess_checked_kg
from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.errors import NotFound, OfferNoLongerAvailable, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderType, Passenger
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.domain.timetable import ScheduledFlight
from farebridge.services import cancellation, search, timetable
from farebridge.services.orders import CreateOrder, create_order, list_orders
from farebridge.services.ports import Dependencies, OfferFilter, OrderFilter, PageRequest

MAX_PASSENGERS = 20  # seed 002's code (its README says 10)
METADATA_KEY = "flight_api"


@dataclass(frozen=True, slots=True)
class Traveller:
    given_name: str
    family_name: str
    gender: str  # "m" or "f"
    age: int
    seat_preference: str  # WINDOW, AISLE or MIDDLE
    hand_baggage_kg: Decimal
    checked_baggage_kg: Decimal


@dataclass(frozen=True, slots=True)
class FlightBooking:
    flight: ScheduledFlight
    departure_on: date
    cabin: CabinClass
    travellers: Sequence[Traveller]
    baggage_mode: str


def book_flight(
    deps: Dependencies,
    *,
    user: User,
    booking: FlightBooking,
    scenarios: frozenset[str] = frozenset(),
) -> Order:
    """A held order for ``booking``; nothing is booked if any check fails."""
    if not 1 <= len(booking.travellers) <= MAX_PASSENGERS:
        raise ValidationFailed(f"Book 1 to {MAX_PASSENGERS} passengers.", field="passengers")
    excess = excess_checked_kg(
        [(t.hand_baggage_kg, t.checked_baggage_kg) for t in booking.travellers],
        field="passengers",
    )
    if excess > 0:
        raise ValidationFailed(
            "Extra checked baggage (over 15 kg a passenger) is not priced by farebridge yet.",
            field="passengers",
        )
    if not booking.flight.operates_on(booking.departure_on):
        raise ValidationFailed(
            f"Flight {booking.flight.designator} does not operate on "
            f"{booking.departure_on.isoformat()}.",
            field="flight_dep_date",
        )
    offer = _find_offer(deps, user, booking, scenarios)
    passengers = _passengers(offer, booking)
    command = CreateOrder(
        type=OrderType.HOLD,
        offer_id=offer.id,
        passengers=passengers,
        metadata={METADATA_KEY: json.dumps(_details(booking, passengers))},
        scenarios=scenarios,
    )
    return create_order(deps, user=user, command=command)


def get_flight(deps: Dependencies, number: int) -> ScheduledFlight:
    return timetable.get_flight(deps, number)


def _find_offer(
    deps: Dependencies, user: User, booking: FlightBooking, scenarios: frozenset[str]
) -> Offer:
    flight, departure_on = booking.flight, booking.departure_on
    people = tuple(
        OfferPassenger(new_id("pas"), PassengerType.for_age(t.age), t.age)
        for t in booking.travellers
    )
    criteria = SearchCriteria(
        (SliceRequest(flight.origin.iata_code, flight.destination.iata_code, departure_on),),
        people,
        cabin_class=booking.cabin,
        max_connections=0,
    )
    request = search.create_offer_request(deps, user=user, criteria=criteria, scenarios=scenarios)
    search.get_offer_request(deps, user=user, request_id=request.id, wait=True)
    window = OfferFilter(
        max_connections=0,
        departure_from=flight.departure_time,
        departure_to=flight.departure_time,
    )
    page = search.list_offers(
        deps, user=user, request_id=request.id, filters=window, page=PageRequest(limit=200)
    )
    instant_only = False
    for offer in page.items:
        segments = [segment for part in offer.slices for segment in part.segments]
        first = segments[0]
        designator = first.marketing_carrier.iata_code + first.marketing_carrier_flight_number
        if len(segments) != 1 or designator != flight.designator:
            continue
        if first.cabin_class is not booking.cabin:
            continue
        if not offer.requires_instant_payment:
            return offer
        instant_only = True
    if instant_only:
        raise OfferNoLongerAvailable(
            f"{flight.designator} is sold for payment at booking only; farebridge's flight_api "
            "holds bookings until paid, so it cannot book this flight yet.",
            code="instant_payment_only",
        )
    raise OfferNoLongerAvailable(
        f"No seats to hold on {flight.designator} on {booking.departure_on.isoformat()} "
        f"in {booking.cabin.value}.",
    )


def _born_on(age: int, departure_on: date) -> date:
    """A birth date that makes the traveller ``age`` on the day of the flight."""
    try:
        birthday = departure_on.replace(year=departure_on.year - age)
    except ValueError:  # 29 February
        birthday = departure_on.replace(year=departure_on.year - age, day=28)
    return birthday - timedelta(days=1)


def _passengers(offer: Offer, booking: FlightBooking) -> list[Passenger]:
    free = list(offer.passengers)
    passengers = []
    for traveller in booking.travellers:
        kind = PassengerType.for_age(traveller.age)
        target = next((p for p in free if p.type is kind), None)
        if target is None:
            raise NotFound("The offer has no passenger of this type.", code="passenger_mismatch")
        free.remove(target)
        passengers.append(
            Passenger(
                id=target.id,
                type=kind,
                title="mr" if traveller.gender == "m" else "ms",
                given_name=traveller.given_name,
                family_name=traveller.family_name,
                born_on=_born_on(traveller.age, booking.departure_on),
                gender=traveller.gender,
            )
        )
    return passengers


def _details(booking: FlightBooking, passengers: Sequence[Passenger]) -> dict[str, Any]:
    return {
        "flight": booking.flight.number,
        "baggage_mode": booking.baggage_mode,
        "passengers": [
            {
                "passenger_id": passenger.id,
                "age": traveller.age,
                "seat_type": traveller.seat_preference,
                "hand_baggage": str(traveller.hand_baggage_kg),
                "check_in_baggage": str(traveller.checked_baggage_kg),
            }
            for traveller, passenger in zip(booking.travellers, passengers, strict=True)
        ],
    }


def details_of(order: Order) -> dict[str, Any]:
    """What ``book_flight`` kept about the booking (``_details``)."""
    details: dict[str, Any] = json.loads(order.metadata[METADATA_KEY])
    return details


def find_booking(deps: Dependencies, *, user: User, booking_reference: str) -> Order:
    """The user's booking made through ``book_flight`` with this reference (visible to
    the user as in ``/api``); any other reference is NotFound."""
    filters = OrderFilter(booking_reference=booking_reference.strip().upper())
    found = list_orders(deps, user=user, page=PageRequest(limit=10), filters=filters)
    for order in found.items:
        if METADATA_KEY in order.metadata:
            return order
    raise NotFound(f"No booking {booking_reference}.", code="booking_not_found")


def cancel_booking(
    deps: Dependencies, *, user: User, booking_reference: str
) -> tuple[Order, CancellationQuote]:
    """Cancel a booking made here: the ordinary quote and confirmation (cut-off, fare
    penalty, refund of what was paid, the receipt)."""
    order = find_booking(deps, user=user, booking_reference=booking_reference)
    quote = cancellation.quote_cancellation(
        deps, user=user, order_id=order.id, reason="requested_by_customer"
    )
    return cancellation.confirm_cancellation(deps, user=user, order_id=order.id, quote_id=quote.id)
