"""Paying flight_api bookings through payment intents (ADR 0026) on SQLite and
PostgreSQL: however many intents are asked for and however many times, and at once,
their confirm URLs are opened, each order is charged exactly once; a failed round trip
on two airlines leaves nothing booked."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from farebridge.domain.account import User
from farebridge.domain.errors import FarebridgeError
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.order import OrderStatus
from farebridge.domain.timetable import FlightQuery, ScheduledFlight
from farebridge.services import flight_api_payments, scheduled_bookings, timetable
from farebridge.services.orders import list_orders
from farebridge.services.ports import Dependencies, PageRequest
from farebridge.services.scheduled_bookings import FlightBooking, Traveller
from farebridge.store.tables import payments, sandbox_charges
from tests.integration.conftest import create_user

SAUL = Traveller("Saul", "Goodman", "m", 38, "WINDOW", Decimal("6.5"), Decimal(15))


def a_flight(
    services: Dependencies, origin: str, destination: str, airline: str, day: date
) -> ScheduledFlight:
    query = FlightQuery(
        origin=frozenset({origin}), destination=frozenset({destination}), on=day, airline=airline
    )
    return timetable.find_flights(services, query)[0]


def round_trip(services: Dependencies, user: User, there: str, back: str) -> str:
    out_on = date.today() + timedelta(days=30)
    back_on = out_on + timedelta(days=5)
    booking = FlightBooking(
        flight=a_flight(services, "JFK", "LAX", there, out_on),
        departure_on=out_on,
        cabin=CabinClass.ECONOMY,
        travellers=[SAUL],
        baggage_mode="AT-AIRPORT",
        return_flight=a_flight(services, "LAX", "JFK", back, back_on),
        return_on=back_on,
    )
    trip = scheduled_bookings.book_flight(services, user=user, booking=booking)
    return trip.orders[0].booking_reference


def charges(engine: Engine) -> tuple[int, int]:
    with engine.connect() as db:
        succeeded = db.execute(
            select(func.count()).select_from(payments).where(payments.c.status == "succeeded")
        ).scalar_one()
        charged = db.execute(
            select(func.count())
            .select_from(sandbox_charges)
            .where(sandbox_charges.c.succeeded == 1)
        ).scalar_one()
    return succeeded, charged


@pytest.mark.parametrize("airlines", [("AA", "AA"), ("AA", "DL")], ids=["one", "two"])
def test_racing_confirms_charge_each_order_once(
    services: Dependencies, engine: Engine, airlines: tuple[str, str]
) -> None:
    user = create_user(services)
    reference = round_trip(services, user, *airlines)
    intents = [
        flight_api_payments.start_payment(services, user=user, booking_reference=reference)
        for _ in range(2)
    ]
    (old, old_secret, _), (new, new_secret, trip) = intents
    calls = [(old.id, old_secret)] + [(new.id, new_secret)] * 5

    def confirm(call: tuple[str, str]) -> str:
        try:
            intent, _ = flight_api_payments.confirm_payment(
                services, intent_id=call[0], secret=call[1]
            )
        except FarebridgeError as error:
            return error.code
        return intent.status.value

    with ThreadPoolExecutor(len(calls)) as pool:
        outcomes = list(pool.map(confirm, calls))
    assert outcomes[0] == "payment_intent_failed", "superseded"
    assert "succeeded" in outcomes[1:], outcomes
    # Losers of the race saw the payment in progress; opening the URL again succeeds.
    assert confirm((new.id, new_secret)) == "succeeded"
    paid = len(trip.orders)
    assert charges(engine) == (paid, paid), "each order charged exactly once"
    orders = list_orders(services, user=user, page=PageRequest(limit=10)).items
    assert {o.status for o in orders} <= {OrderStatus.PAID, OrderStatus.TICKETING}
    assert len(orders) == paid


def test_a_round_trip_whose_return_fails_leaves_nothing_booked(services: Dependencies) -> None:
    user = create_user(services)
    out_on = date.today() + timedelta(days=30)
    back_on = out_on + timedelta(days=5)
    booking = FlightBooking(
        flight=a_flight(services, "JFK", "LAX", "AA", out_on),
        departure_on=out_on,
        cabin=CabinClass.ECONOMY,
        travellers=[SAUL],
        baggage_mode="AT-AIRPORT",
        # A low-cost return (paid at booking only) cannot be held: the second order fails.
        return_flight=a_flight(services, "LAX", "JFK", "B6", back_on),
        return_on=back_on,
    )
    with pytest.raises(FarebridgeError) as refused:
        scheduled_bookings.book_flight(services, user=user, booking=booking)
    assert refused.value.code == "instant_payment_only"
    [order] = list_orders(services, user=user, page=PageRequest(limit=10)).items
    assert order.status is OrderStatus.CANCELLED, "the departing hold was given back"
    with services.uow(read_only=True) as uow:
        assert uow.flight_api.booking(order.id) is None
