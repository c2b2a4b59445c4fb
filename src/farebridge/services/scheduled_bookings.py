"""Book flights of the timetable by number and date (the flight_api dialect, ADR 0022
and 0026): search the route on that day for the nonstop offer on exactly this
flight (and, for a round trip on one airline, the return flight) in the cabin, then
hold it as an ordinary order of the user.

A round trip on two airlines is two one-way orders linked as separate tickets; when
the second cannot be booked the first is cancelled (a hold: nothing was paid), so a
failed round trip leaves no booking behind. What the dialect keeps besides the orders
(trip shape, its flight ids, baggage mode, each passenger's age, seat preference and
baggage weights) is a row per order in ``flight_api_bookings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

import structlog

from farebridge.domain.account import User
from farebridge.domain.baggage_allowance import (
    CHECKED_FREE_KG,
    ExcessMode,
    excess_checked_kg,
    excess_price,
)
from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.errors import (
    FarebridgeError,
    NotFound,
    OfferNoLongerAvailable,
    ValidationFailed,
)
from farebridge.domain.flight_api import (
    FlightApiBooking,
    Leg,
    TravellerDetails,
    TripShape,
    check_trip,
    orders_to_cancel,
)
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import (
    EXCESS_BAGGAGE,
    Order,
    OrderService,
    OrderStatus,
    OrderType,
    Passenger,
)
from farebridge.domain.search import (
    OfferPassenger,
    PassengerType,
    SearchCriteria,
    SliceRequest,
    TimeWindow,
)
from farebridge.domain.seat_assignment import SeatPreference
from farebridge.domain.timetable import ScheduledFlight
from farebridge.services import cancellation, search, timetable
from farebridge.services.orders import CreateOrder, create_order, list_orders
from farebridge.services.ports import Dependencies, OfferFilter, OrderFilter, PageRequest
from farebridge.services.reads import owned_order

log = structlog.get_logger(__name__)

MAX_PASSENGERS = 20  # seed 002's code (its README says 10)


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
    return_flight: ScheduledFlight | None = None  # a round trip
    return_on: date | None = None
    coupon_code: str | None = None  # redeemed once, on the (departing) order


@dataclass(frozen=True, slots=True)
class Trip:
    """A booking of the dialect: one order (one way, or a round trip on one airline) or
    two linked orders (separate tickets), departing first, with their rows."""

    shape: TripShape
    orders: tuple[Order, ...]
    bookings: tuple[FlightApiBooking, ...]

    @property
    def departing(self) -> tuple[Order, FlightApiBooking]:
        return self.orders[0], self.bookings[0]

    @property
    def returning(self) -> tuple[Order, FlightApiBooking] | None:
        if len(self.orders) < 2:
            return None
        return self.orders[1], self.bookings[1]


def book_flight(
    deps: Dependencies,
    *,
    user: User,
    booking: FlightBooking,
    scenarios: frozenset[str] = frozenset(),
) -> Trip:
    """Held order(s) for ``booking``; nothing is left booked if any step fails."""
    _check(booking)
    back = booking.return_flight
    if back is None or booking.return_on is None:
        order = _hold(deps, user, booking, [(booking.flight, booking.departure_on)], scenarios)
        rows = [_row(deps, booking, order, TripShape.ONE_WAY, Leg.DEPARTING, None)]
        return _save(deps, TripShape.ONE_WAY, [order], rows)
    if back.airline_code == booking.flight.airline_code:
        legs = [(booking.flight, booking.departure_on), (back, booking.return_on)]
        order = _hold(deps, user, booking, legs, scenarios)
        rows = [_row(deps, booking, order, TripShape.ROUND_TRIP, Leg.BOTH, None)]
        return _save(deps, TripShape.ROUND_TRIP, [order], rows)
    going = _hold(deps, user, booking, [(booking.flight, booking.departure_on)], scenarios)
    try:
        coming = _hold(
            deps, user, replace(booking, coupon_code=None), [(back, booking.return_on)], scenarios
        )
    except FarebridgeError:
        _cancel_quietly(deps, user, going)
        raise
    shape = TripShape.SEPARATE_TICKETS
    rows = [
        _row(deps, booking, going, shape, Leg.DEPARTING, coming.id),
        _row(deps, booking, coming, shape, Leg.RETURNING, going.id),
    ]
    return _save(deps, shape, [going, coming], rows)


def get_flight(deps: Dependencies, number: int) -> ScheduledFlight:
    return timetable.get_flight(deps, number)


def _check(booking: FlightBooking) -> None:
    if not 1 <= len(booking.travellers) <= MAX_PASSENGERS:
        raise ValidationFailed(f"Book 1 to {MAX_PASSENGERS} passengers.", field="passengers")
    excess_checked_kg(  # the allowances (hand baggage, at most 30 kg excess)
        [(t.hand_baggage_kg, t.checked_baggage_kg) for t in booking.travellers],
        field="passengers",
    )
    _check_operates(booking.flight, booking.departure_on, "flight_dep_date")
    back, back_on = booking.return_flight, booking.return_on
    if back is None or back_on is None:
        return
    _check_operates(back, back_on, "return_flight_dep_date")
    there, home = booking.flight, back
    if (home.origin.iata_code, home.destination.iata_code) != (
        there.destination.iata_code,
        there.origin.iata_code,
    ):
        raise ValidationFailed(
            f"The return flight must fly back from {there.destination.iata_code} to "
            f"{there.origin.iata_code}; flight {home.number} flies "
            f"{home.origin.iata_code} to {home.destination.iata_code}.",
            field="return_flight",
        )
    check_trip(
        there.arriving_at(booking.departure_on),
        home.departing_at(back_on),
        field="return_flight_dep_date",
    )


def _check_operates(flight: ScheduledFlight, day: date, field: str) -> None:
    if not flight.operates_on(day):
        raise ValidationFailed(
            f"Flight {flight.designator} does not operate on {day.isoformat()}.", field=field
        )


def _hold(
    deps: Dependencies,
    user: User,
    booking: FlightBooking,
    legs: Sequence[tuple[ScheduledFlight, date]],
    scenarios: frozenset[str],
) -> Order:
    offer = _find_offer(deps, user, booking, legs, scenarios)
    passengers = _passengers(offer, booking, today=deps.clock.now().date())
    command = CreateOrder(
        type=OrderType.HOLD,
        offer_id=offer.id,
        passengers=passengers,
        scenarios=scenarios,
        extras=_excess_baggage(deps, booking, offer, passengers),
        coupon_code=booking.coupon_code,
    )
    return create_order(deps, user=user, command=command)


def _excess(booking: FlightBooking) -> Decimal:
    return excess_checked_kg(
        [(t.hand_baggage_kg, t.checked_baggage_kg) for t in booking.travellers],
        field="passengers",
    )


def _excess_price(deps: Dependencies, booking: FlightBooking, currency: str) -> Money:
    """The excess baggage's price on one flight, in the order's currency."""
    price = excess_price(_excess(booking), ExcessMode.parse(booking.baggage_mode))
    return deps.rates.current().convert(price, currency)


def _excess_baggage(
    deps: Dependencies, booking: FlightBooking, offer: Offer, passengers: Sequence[Passenger]
) -> tuple[OrderService, ...]:
    """Excess booked ahead: one service per flight (slice), on the first passenger who
    carries more than the allowance; the tier prices the booking's total excess, as
    the seed does. At the airport it is paid at check-in: nothing on the order."""
    if ExcessMode.parse(booking.baggage_mode) is not ExcessMode.PRE_BOOKING:
        return ()
    if _excess(booking) <= 0:
        return ()
    carrier = next(
        p
        for p, t in zip(passengers, booking.travellers, strict=True)
        if t.checked_baggage_kg > CHECKED_FREE_KG
    )
    price = _excess_price(deps, booking, offer.total.currency)
    return tuple(
        OrderService(
            id=new_id("xbg"),
            type=EXCESS_BAGGAGE,
            segment_id=None,
            passenger_id=carrier.id,
            total=price,
            slice_id=part.id,
        )
        for part in offer.slices
    )


def _find_offer(
    deps: Dependencies,
    user: User,
    booking: FlightBooking,
    legs: Sequence[tuple[ScheduledFlight, date]],
    scenarios: frozenset[str],
) -> Offer:
    """The offer on exactly these flights (one per slice, nonstop) in the cabin; the
    search asks for each flight's departure minute and airline, so it is found."""
    people = tuple(
        OfferPassenger(new_id("pas"), PassengerType.for_age(t.age), t.age)
        for t in booking.travellers
    )
    criteria = SearchCriteria(
        tuple(
            SliceRequest(
                flight.origin.iata_code,
                flight.destination.iata_code,
                day,
                departure_time=TimeWindow(flight.departure_time, flight.departure_time),
            )
            for flight, day in legs
        ),
        people,
        cabin_class=booking.cabin,
        max_connections=0,
    )
    wanted = [flight.designator for flight, _ in legs]
    instant_only = False
    for offer in _nonstop_offers(deps, user, criteria, scenarios):
        segments = [segment for part in offer.slices for segment in part.segments]
        found = [
            s.marketing_carrier.iata_code + s.marketing_carrier_flight_number for s in segments
        ]
        if found != wanted or any(s.cabin_class is not booking.cabin for s in segments):
            continue
        if not offer.requires_instant_payment:
            return offer
        instant_only = True
    names = " and ".join(wanted)
    if instant_only:
        raise OfferNoLongerAvailable(
            f"{names} is sold for payment at booking only; farebridge's flight_api "
            "holds bookings until paid, so it cannot book this flight yet.",
            code="instant_payment_only",
        )
    days = " and ".join(day.isoformat() for _, day in legs)
    raise OfferNoLongerAvailable(f"No seats to hold on {names} on {days} in {booking.cabin.value}.")


def _nonstop_offers(
    deps: Dependencies,
    user: User,
    criteria: SearchCriteria,
    scenarios: frozenset[str],
    *,
    cheapest_only: bool = False,
) -> list[Offer]:
    """The nonstop offers of a search run to its end (the cheapest fare brand of each
    itinerary only, when ``cheapest_only``)."""
    request = search.create_offer_request(deps, user=user, criteria=criteria, scenarios=scenarios)
    search.get_offer_request(deps, user=user, request_id=request.id, wait=True)
    nonstop = OfferFilter(max_connections=0, one_per_itinerary=cheapest_only)
    page = search.list_offers(
        deps, user=user, request_id=request.id, filters=nonstop, page=PageRequest(limit=200)
    )
    return list(page.items)


def _born_on(age: int, departure_on: date, today: date) -> date:
    """A birth date that makes the traveller ``age`` on the day of the flight, and is
    not in the future (a baby of 0 flying next month was born by today)."""
    try:
        birthday = departure_on.replace(year=departure_on.year - age)
    except ValueError:  # 29 February
        birthday = departure_on.replace(year=departure_on.year - age, day=28)
    return min(birthday - timedelta(days=1), today)


def _passengers(offer: Offer, booking: FlightBooking, *, today: date) -> list[Passenger]:
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
                born_on=_born_on(traveller.age, booking.departure_on, today),
                gender=traveller.gender,
                seat_preference=SeatPreference(traveller.seat_preference.lower()),
            )
        )
    return passengers


def _row(
    deps: Dependencies,
    booking: FlightBooking,
    order: Order,
    shape: TripShape,
    leg: Leg,
    linked: str | None,
) -> FlightApiBooking:
    back = booking.return_flight
    first = back if leg is Leg.RETURNING and back is not None else booking.flight
    return FlightApiBooking(
        order_id=order.id,
        owner_id=order.owner_id,
        shape=shape,
        leg=leg,
        flight=first.number,
        return_flight=back.number if leg is Leg.BOTH and back is not None else None,
        baggage_mode=booking.baggage_mode,
        travellers=tuple(
            TravellerDetails(
                passenger_id=passenger.id,
                age=traveller.age,
                seat_type=traveller.seat_preference,
                hand_baggage_kg=traveller.hand_baggage_kg,
                checked_baggage_kg=traveller.checked_baggage_kg,
            )
            for traveller, passenger in zip(booking.travellers, order.passengers, strict=True)
        ),
        created_at=order.created_at,
        extra_baggage_kg=_excess(booking),
        extra_baggage_price=_excess_price(deps, booking, order.total.currency) * len(order.slices),
        linked_order_id=linked,
    )


def _save(
    deps: Dependencies, shape: TripShape, orders: list[Order], rows: list[FlightApiBooking]
) -> Trip:
    with deps.uow() as uow:
        for row in rows:
            uow.flight_api.add_booking(row)
        uow.commit()
    return Trip(shape, tuple(orders), tuple(rows))


def _cancel_quietly(deps: Dependencies, user: User, order: Order) -> None:
    """Give back the first ticket of a round trip whose return could not be booked."""
    try:
        quote = cancellation.quote_cancellation(
            deps, user=user, order_id=order.id, reason="requested_by_customer"
        )
        cancellation.confirm_cancellation(deps, user=user, order_id=order.id, quote_id=quote.id)
    except FarebridgeError:  # the hold expires on its own
        log.exception("flight_api.round_trip_rollback_failed", order_id=order.id)


def find_trip(deps: Dependencies, *, user: User, booking_reference: str) -> Trip:
    """The user's booking made here with this reference (visible to the user as in
    ``/api``), with its linked ticket; any other reference is NotFound."""
    filters = OrderFilter(booking_reference=booking_reference.strip().upper())
    found = list_orders(deps, user=user, page=PageRequest(limit=10), filters=filters)
    with deps.uow(read_only=True) as uow:
        rows = uow.flight_api.bookings([order.id for order in found.items])
    by_order = {row.order_id: row for row in rows}
    asked = next((order for order in found.items if order.id in by_order), None)
    if asked is None:
        raise NotFound(f"No booking {booking_reference}.", code="booking_not_found")
    first = by_order[asked.id]
    if first.shape is not TripShape.SEPARATE_TICKETS or first.linked_order_id is None:
        return Trip(first.shape, (asked,), (first,))
    with deps.uow(read_only=True) as uow:
        other = owned_order(uow, user, first.linked_order_id)
    pairs = sorted([(asked, first), (other, by_order[other.id])], key=lambda p: p[1].leg)
    return Trip(first.shape, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))


def cancel_booking(
    deps: Dependencies,
    *,
    user: User,
    booking_reference: str,
    cancellation_type: str | None = None,
) -> tuple[Trip, list[tuple[Order, CancellationQuote]]]:
    """Cancel a booking made here, or one way of separate tickets: the ordinary quote
    and confirmation of each order (cut-off, fare penalty, refund of what was paid,
    the receipt). Orders already cancelled are skipped; all of them: 409."""
    trip = find_trip(deps, user=user, booking_reference=booking_reference)
    returning = trip.returning
    order_ids = orders_to_cancel(
        trip.shape,
        cancellation_type,
        departing=trip.orders[0].id,
        returning=returning[0].id if returning else None,
    )
    cancelled = {o.id for o in trip.orders if o.status is OrderStatus.CANCELLED}
    # Orders cancelled before are skipped; when all are, the engine's refusal answers.
    live = [order_id for order_id in order_ids if order_id not in cancelled] or list(order_ids)
    quotes = [  # all quoted first: a cut-off refuses the whole request, not half of it
        cancellation.quote_cancellation(
            deps, user=user, order_id=order_id, reason="requested_by_customer"
        )
        for order_id in live
    ]
    done = [
        cancellation.confirm_cancellation(deps, user=user, order_id=order_id, quote_id=quote.id)
        for order_id, quote in zip(live, quotes, strict=True)
    ]
    return find_trip(deps, user=user, booking_reference=booking_reference), done


def cheapest_fares(
    deps: Dependencies,
    *,
    user: User,
    flights: Sequence[ScheduledFlight],
    day: date,
    cabin: CabinClass,
) -> dict[int, Money]:
    """The cheapest fare of each flight (by its number) for one adult on ``day`` in
    ``cabin``, nonstop, in the user's selling currency: one search per route. Flights
    with nothing for sale that day are left out."""
    routes: dict[tuple[str, str], list[ScheduledFlight]] = {}
    for flight in flights:
        if flight.operates_on(day):
            key = (flight.origin.iata_code, flight.destination.iata_code)
            routes.setdefault(key, []).append(flight)
    fares: dict[int, Money] = {}
    for (origin, destination), on_route in routes.items():
        criteria = SearchCriteria(
            (SliceRequest(origin, destination, day),),
            (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
            cabin_class=cabin,
            max_connections=0,
        )
        numbers = {flight.designator: flight.number for flight in on_route}
        for offer in _nonstop_offers(deps, user, criteria, frozenset(), cheapest_only=True):
            [segment] = [s for part in offer.slices for s in part.segments]
            if segment.cabin_class is not cabin:
                continue
            number = numbers.get(
                segment.marketing_carrier.iata_code + segment.marketing_carrier_flight_number
            )
            if number is not None and (number not in fares or offer.total < fares[number]):
                fares[number] = offer.total
    return fares
