"""Seed 002's baggage allowances and the timetable query (pure domain rules)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from farebridge.domain.baggage_allowance import ExcessMode, excess_checked_kg, excess_price
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.flight_api import TripShape, check_trip, orders_to_cancel
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.money import Money
from farebridge.domain.places import Airport
from farebridge.domain.timetable import FlightQuery, ScheduledFlight

DEL = Airport(
    "DEL", "Indira Gandhi International Airport", "New Delhi", "IN", 28.5, 77.1, "Asia/Kolkata"
)
BOM = Airport(
    "BOM", "Chhatrapati Shivaji International Airport", "Mumbai", "IN", 19.0, 72.8, "Asia/Kolkata"
)
FLIGHT = ScheduledFlight(
    number=7,
    designator="AI1365",
    airline_code="AI",
    airline_name="Air India",
    origin=DEL,
    destination=BOM,
    departure_time=time(7, 20),
    block_minutes=130,
    weekdays=frozenset({0, 2, 4}),
    cabins=frozenset({CabinClass.ECONOMY, CabinClass.BUSINESS}),
)


def kg(*pairs: tuple[float, float]) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(str(h)), Decimal(str(c))) for h, c in pairs]


def test_the_excess_over_15_kg_is_summed_over_the_booking() -> None:
    assert excess_checked_kg(kg((6.5, 16), (0, 14), (7, 20)), field="p") == Decimal(6)
    assert excess_checked_kg(kg((0, 45)), field="p") == Decimal(30)


@pytest.mark.parametrize(
    ("bags", "field"),
    [(kg((7.5, 0)), "p[0].hand_baggage"), (kg((0, 30), (0, 31)), "p"), (kg((0, -1)), "p[0]")],
)
def test_refusals_name_the_field(bags: list[tuple[Decimal, Decimal]], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        excess_checked_kg(bags, field="p")
    assert refused.value.field == field


def test_a_query_matches_on_every_criterion_given() -> None:
    assert FlightQuery().matches(FLIGHT)
    assert FlightQuery(origin=frozenset({"DEL"}), destination=frozenset({"BOM"})).matches(FLIGHT)
    assert not FlightQuery(origin=frozenset({"BOM"})).matches(FLIGHT)
    assert FlightQuery(designator="ai1365", airline="air india").matches(FLIGHT)
    assert FlightQuery(airline="AI").matches(FLIGHT)
    assert not FlightQuery(airline="IndiGo").matches(FLIGHT)
    assert FlightQuery(on=date(2026, 12, 21)).matches(FLIGHT)  # a Monday
    assert not FlightQuery(on=date(2026, 12, 22)).matches(FLIGHT)
    assert FlightQuery(departing_between=(time(6), time(7, 20))).matches(FLIGHT)
    assert not FlightQuery(departing_between=(time(7, 21), time(12))).matches(FLIGHT)
    assert FlightQuery(cabin=CabinClass.BUSINESS).matches(FLIGHT)
    assert not FlightQuery(cabin=CabinClass.FIRST).matches(FLIGHT)


def test_arrival_time_is_local_at_the_destination() -> None:
    assert FLIGHT.arrival_time == time(9, 30)
    assert FLIGHT.arriving_at(date(2026, 12, 21)).date() == date(2026, 12, 21)


@pytest.mark.parametrize(
    ("excess", "price"),
    [("0", "0"), ("0.5", "1350"), ("3", "1350"), ("3.1", "2250"), ("5", "2250"),
     ("10", "4500"), ("15", "6750"), ("20", "9000"), ("20.5", "13500"), ("30", "13500")],
)  # fmt: skip
def test_excess_booked_ahead_costs_the_smallest_tier_that_covers_it(
    excess: str, price: str
) -> None:
    assert excess_price(Decimal(excess), ExcessMode.PRE_BOOKING) == Money(Decimal(price), "INR")


def test_excess_at_the_airport_costs_550_a_kg() -> None:
    assert excess_price(Decimal(1), ExcessMode.AT_AIRPORT) == Money(Decimal(550), "INR")
    assert excess_price(Decimal("2.5"), ExcessMode.AT_AIRPORT) == Money(Decimal(1375), "INR")
    assert excess_price(Decimal(0), ExcessMode.AT_AIRPORT).amount == 0
    with pytest.raises(ValidationFailed):
        excess_price(Decimal(31), ExcessMode.PRE_BOOKING)


@pytest.mark.parametrize(
    "text", ["PRE-BOOKING", "PRE_BOOKING", "pre_booking", "AT-AIRPORT", "AT_AIRPORT"]
)
def test_the_seeds_spellings_of_the_baggage_mode(text: str) -> None:
    assert ExcessMode.parse(text).value.replace("-", "_") == text.upper().replace("-", "_")


def test_which_orders_a_cancellation_takes() -> None:
    one, two = "ord_1", "ord_2"
    assert orders_to_cancel(TripShape.ONE_WAY, None, departing=one, returning=None) == (one,)
    assert orders_to_cancel(TripShape.ONE_WAY, "BOTH", departing=one, returning=None) == (one,)
    assert orders_to_cancel(TripShape.ROUND_TRIP, "BOTH", departing=one, returning=None) == (one,)
    assert orders_to_cancel(TripShape.ROUND_TRIP, None, departing=one, returning=None) == (one,)
    separate = TripShape.SEPARATE_TICKETS
    assert orders_to_cancel(separate, "DEPARTING", departing=one, returning=two) == (one,)
    assert orders_to_cancel(separate, "RETURNING", departing=one, returning=two) == (two,)
    assert orders_to_cancel(separate, "BOTH", departing=one, returning=two) == (one, two)
    for shape, asked in [
        (TripShape.ONE_WAY, "RETURNING"),
        (TripShape.ROUND_TRIP, "DEPARTING"),
        (TripShape.ROUND_TRIP, "RETURNING"),
        (separate, None),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            orders_to_cancel(shape, asked, departing=one, returning=two)
        assert refused.value.field == "cancellation_type"


def test_the_return_leaves_after_the_outbound_lands() -> None:
    lands = FLIGHT.arriving_at(date(2027, 1, 4))
    check_trip(lands, lands + timedelta(minutes=1), field="return_flight_dep_date")
    with pytest.raises(ValidationFailed) as refused:
        check_trip(lands, lands, field="return_flight_dep_date")
    assert refused.value.field == "return_flight_dep_date"
