"""Seed 002's baggage allowances and the timetable query (pure domain rules)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from farebridge.domain.baggage_allowance import excess_checked_kg
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import CabinClass
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
