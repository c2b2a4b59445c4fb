"""Applying an airline's change to an order's trip (ADR 0020): retimed segments,
cancelled flights, connections that no longer meet the minimum connecting time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from farebridge.domain.connections import connecting_minutes, minimum_connecting_time
from farebridge.domain.itinerary import Slice
from farebridge.domain.places import Airport
from farebridge.domain.schedule_changes import (
    AirlineChange,
    ScheduleChangeKind,
    ScheduleChangeStatus,
    affected_flights,
    apply_airline_change,
)
from tests.factories import LHR, create_slice

DUB = Airport("DUB", "Dublin Airport", "Dublin", "IE", 53.42, -6.27, "Europe/Dublin")
NOW = datetime(2029, 12, 1, tzinfo=UTC)
OUTBOUND = datetime(2030, 1, 10, 18, 30, tzinfo=ZoneInfo("America/New_York"))


def connecting(layover: timedelta) -> Slice:
    """JFK-LHR (BA117) then LHR-DUB (BA832) after ``layover``."""
    first = create_slice(departing_at=OUTBOUND).segments[0]
    second = replace(
        first,
        id="seg_2",
        origin=LHR,
        destination=DUB,
        departing_at=first.arriving_at + layover,
        arriving_at=first.arriving_at + layover + timedelta(hours=1, minutes=20),
        marketing_carrier_flight_number="832",
    )
    return Slice("sli_1", (first, second), "Standard")


def change(
    kind: ScheduleChangeKind = ScheduleChangeKind.RETIMED,
    minutes: int = 55,
    flight: str = "BA117",
    departure_on: date = date(2030, 1, 10),
    leg_index: int | None = None,
) -> AirlineChange:
    return AirlineChange("chg_1", kind, flight, departure_on, minutes, "moved", leg_index)


def apply(slices: tuple[Slice, ...], airline: AirlineChange):  # type: ignore[no-untyped-def]
    return apply_airline_change(slices, airline, order_id="ord_1", change_id="sch_1", now=NOW)


def test_a_retimed_flight_moves_its_departure_and_arrival() -> None:
    trip = (create_slice(departing_at=OUTBOUND),)
    applied = apply(trip, change(minutes=55))
    assert applied is not None
    slices, recorded = applied
    moved = slices[0].segments[0]
    assert moved.departing_at == OUTBOUND + timedelta(minutes=55)
    assert moved.arriving_at == trip[0].segments[0].arriving_at + timedelta(minutes=55)
    assert recorded.before == trip[0].segments and recorded.after == slices[0].segments
    assert recorded.kind is ScheduleChangeKind.RETIMED
    assert recorded.status is ScheduleChangeStatus.PENDING and recorded.slice_ids == ("sli_1",)
    assert not recorded.connection_broken


def test_a_cancelled_flight_is_marked_and_not_offered_again() -> None:
    trip = (create_slice(departing_at=OUTBOUND),)
    applied = apply(trip, change(ScheduleChangeKind.FLIGHT_CANCELLED, minutes=0))
    assert applied is not None
    slices, recorded = applied
    assert slices[0].segments[0].cancelled and not trip[0].segments[0].cancelled
    assert slices[0].segments[0].departing_at == OUTBOUND
    assert affected_flights(recorded) == {("BA117", date(2030, 1, 10))}


def test_the_minimum_connecting_time_at_heathrow_is_published() -> None:
    trip = connecting(timedelta(hours=2))
    mct = minimum_connecting_time(trip.segments[0], trip.segments[1])
    assert (
        mct == timedelta(minutes=connecting_minutes("LHR", domestic=False)) == timedelta(minutes=90)
    )


@given(st.integers(min_value=-60, max_value=300))
def test_a_retime_breaks_the_connection_exactly_when_less_than_the_mct_is_left(
    minutes: int,
) -> None:
    layover = timedelta(hours=2)  # LHR international MCT: 90 minutes
    applied = apply((connecting(layover),), change(minutes=minutes))
    assert applied is not None
    left = layover - timedelta(minutes=minutes)
    assert applied[1].connection_broken is (left < timedelta(minutes=90))


def test_the_later_flight_is_found_by_designator_and_date() -> None:
    trip = (connecting(timedelta(hours=2)),)
    applied = apply(
        trip,
        change(flight="BA832", departure_on=trip[0].segments[1].departing_at.date(), minutes=-45),
    )
    assert applied is not None
    assert applied[0][0].segments[1].departing_at == trip[0].segments[1].departing_at - timedelta(
        minutes=45
    )
    assert applied[1].connection_broken, "75 minutes left at Heathrow, less than 90"


def test_a_codeshare_is_found_by_its_position_in_the_booking() -> None:
    trip = (connecting(timedelta(hours=2)),)
    when = trip[0].segments[1].departing_at.date()
    assert apply(trip, change(flight="AA6132", departure_on=when)) is None
    applied = apply(trip, change(flight="AA6132", departure_on=when, leg_index=1))
    assert applied is not None and applied[0][0].segments[1].id == "seg_2"


@pytest.mark.parametrize("flight", ["BA999", "LH117"])
def test_a_flight_not_in_the_order_changes_nothing(flight: str) -> None:
    assert apply((create_slice(departing_at=OUTBOUND),), change(flight=flight)) is None
