"""Seat maps: layout from the aircraft, occupancy from the inventory, priced seats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import Offer
from farebridge.domain.seatmap import SeatElement, SeatMap
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.providers.sandbox.fares.selling import SellingRate
from farebridge.providers.sandbox.provider import SandboxProvider
from farebridge.providers.sandbox.seats.seatmap import (
    EXIT_ROW_DISCLOSURE,
    occupied_seats,
    seat_position,
    seat_service_id,
)
from farebridge.providers.sandbox.world.aircraft import aircraft_types
from farebridge.providers.sandbox.world.network import Network
from tests.unit.sandbox.conftest import (
    NOW,
    TRAVEL_ON,
    FakeInventory,
    booking_passengers,
    make_criteria,
    offer_passengers,
)


def _seats(seat_map: SeatMap) -> list[SeatElement]:
    return [
        element
        for cabin in seat_map.cabins
        for row in cabin.rows
        for section in row.sections
        for element in section
        if element.type == "seat"
    ]


def _offer(provider: SandboxProvider, **criteria: object) -> Offer:
    result = provider.search("orq_1", make_criteria(**criteria), now=NOW)  # type: ignore[arg-type]
    # Flex stays on sale to the last seat; these tests squeeze availability
    return next(
        o for o in result.offers if o.owner.iata_code == "BA" and o.fare_brand_name == "Flex"
    )


def _key(offer: Offer, index: int) -> LegKey:
    leg = offer.provider_reference["legs"][index]
    return LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])


def test_one_seat_map_per_segment_in_the_offer_cabin(provider: SandboxProvider) -> None:
    offer = _offer(provider, route=(("GLA", "JFK", TRAVEL_ON),), max_connections=1)
    segments = [(piece.id, s) for piece in offer.slices for s in piece.segments]
    maps = provider.seat_maps(offer, now=NOW)
    assert [(m.slice_id, m.segment_id) for m in maps] == [(p, s.id) for p, s in segments]
    for seat_map, (_, segment) in zip(maps, segments, strict=True):
        assert [c.cabin_class for c in seat_map.cabins] == [segment.cabin_class.value]
        assert all(
            len(row.sections) == seat_map.cabins[0].aisles + 1 for row in seat_map.cabins[0].rows
        )


def test_occupancy_matches_availability(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    offer = _offer(provider)
    key = _key(offer, 0)
    inventory.set_available(key, 37)
    seats = _seats(provider.seat_maps(offer, now=NOW)[0])
    assert sum(1 for seat in seats if seat.available_services) == 37
    provider.create_booking(
        offer, booking_passengers(offer.passengers), key=new_id("ord"), hold=True, now=NOW
    )
    seats = _seats(provider.seat_maps(offer, now=NOW)[0])
    assert sum(1 for seat in seats if seat.available_services) == 36


def test_unmaterialised_legs_use_their_initial_availability(provider: SandboxProvider) -> None:
    offer = _offer(provider)
    initially = offer.provider_reference["legs"][0]["initially_available"]
    seats = _seats(provider.seat_maps(offer, now=NOW)[0])
    assert sum(1 for seat in seats if seat.available_services) == initially


def test_seats_are_priced_by_position_per_passenger(provider: SandboxProvider) -> None:
    offer = _offer(provider, passengers=offer_passengers(adults=2))
    seats = [s for s in _seats(provider.seat_maps(offer, now=NOW)[0]) if s.available_services]
    seated = [p.id for p in offer.passengers]
    for seat in seats:
        assert [service.passenger_id for service in seat.available_services] == seated
        assert all(s.id.startswith("ase_") for s in seat.available_services)
        price = seat.available_services[0].total
        assert price.currency == offer.total.currency and isinstance(price.amount, Decimal)
        if seat.name == "Middle seat":
            assert price.amount == 0
        else:
            assert price.amount > 0
    names = {seat.name for seat in seats}
    assert {"Window seat", "Aisle seat", "Middle seat"} <= names


def test_exit_rows_are_marked(provider: SandboxProvider, network: Network) -> None:
    offer = _offer(provider)
    seat_map = provider.seat_maps(offer, now=NOW)[0]
    exit_rows = [
        row
        for row in seat_map.cabins[0].rows
        if any(e.type == "exit_row" for section in row.sections for e in section)
    ]
    segment = offer.slices[0].segments[0]
    flight = network.flight(_key(offer, 0).flight, segment.departing_at.date())
    assert flight is not None
    layout = flight.pattern.aircraft.layout(CabinClass.ECONOMY)
    assert layout is not None and len(exit_rows) == len(layout.exit_rows) > 0
    assert all(
        row.sections[0][0].type == "exit_row" and row.sections[-1][-1].type == "exit_row"
        for row in exit_rows
    )


def _free_exit_row_seat(seat_map: SeatMap) -> SeatElement:
    return next(
        seat
        for seat in _seats(seat_map)
        if EXIT_ROW_DISCLOSURE in seat.disclosures and seat.available_services
    )


def test_exit_row_seats_are_offered_only_to_adults_without_an_infant(
    provider: SandboxProvider,
) -> None:
    passengers = offer_passengers(adults=2, children=1, infants=1)
    offer = _offer(provider, passengers=passengers)
    carrying, free_adult, child, _infant = (p.id for p in passengers)
    seat_map = provider.seat_maps(offer, now=NOW)[0]
    exit_seat = _free_exit_row_seat(seat_map)
    assert [s.passenger_id for s in exit_seat.available_services] == [free_adult]
    ordinary = next(s for s in _seats(seat_map) if s.available_services and not s.disclosures)
    assert [s.passenger_id for s in ordinary.available_services] == [carrying, free_adult, child]


def test_choosing_an_exit_row_seat_for_a_child_anyway_is_refused(
    provider: SandboxProvider,
) -> None:
    passengers = offer_passengers(adults=1, children=1)
    offer = _offer(provider, passengers=passengers)
    seat_map = provider.seat_maps(offer, now=NOW)[0]
    exit_seat = _free_exit_row_seat(seat_map)
    assert exit_seat.designator is not None
    adult_id, child_id = (p.id for p in passengers)
    for_child = seat_service_id(seat_map.segment_id, exit_seat.designator, child_id)
    for_adult = seat_service_id(seat_map.segment_id, exit_seat.designator, adult_id)
    with pytest.raises(ValidationFailed) as refused:
        provider.price_services(offer, [(for_adult, 1), (for_child, 1)])
    assert (refused.value.code, refused.value.field) == (
        "seat_not_allowed_for_passenger",
        "services[1].id",
    )
    assert [s.designator for s in provider.price_services(offer, [(for_adult, 1)])] == [
        exit_seat.designator
    ]


def test_seat_positions_and_deterministic_occupancy() -> None:
    layout = aircraft_types()["77W"].layout(CabinClass.ECONOMY)
    assert layout is not None
    positions = {letter: seat_position(layout, letter) for letter in "ABCDEFGHJK"}
    assert positions == {
        "A": "window",
        "B": "middle",
        "C": "aisle",
        "D": "aisle",
        "E": "middle",
        "F": "middle",
        "G": "aisle",
        "H": "aisle",
        "J": "middle",
        "K": "window",
    }
    key = LegKey("BA117", TRAVEL_ON, "economy")
    taken = occupied_seats(layout, key, 100, seed=7)
    assert len(taken) == layout.capacity - 100
    assert taken == occupied_seats(layout, key, 100, seed=7)
    assert taken != occupied_seats(layout, key, 100, seed=8)
    assert occupied_seats(layout, key, layout.capacity + 5, seed=7) == frozenset()


def _element_types(aircraft: str, cabin: CabinClass) -> set[str]:
    from farebridge.providers.sandbox.seats.seatmap import SeatMapRequest, build_seat_map

    request = SeatMapRequest(
        segment_id="seg_1",
        slice_id="sli_1",
        key=LegKey("XX1", date(2026, 12, 15), cabin.value),
        aircraft=aircraft_types()[aircraft],
        available=50,
        selling=SellingRate("USD", "USD", Decimal(1)),
        passengers=offer_passengers(),
    )
    seat_map = build_seat_map(request, seed=7)
    assert seat_map is not None
    return {
        element.type
        for cabin_map in seat_map.cabins
        for row in cabin_map.rows
        for section in row.sections
        for element in section
    }


def test_cabins_show_the_facilities_airlines_put_there() -> None:
    wide_economy = _element_types("77W", CabinClass.ECONOMY)
    assert {"seat", "exit_row", "lavatory", "galley", "bassinet", "empty"} <= wide_economy
    assert "bassinet" not in _element_types("320", CabinClass.ECONOMY), "narrow-body: no cots"
    assert "closet" in _element_types("77W", CabinClass.BUSINESS)
    assert "stairs" in _element_types("388", CabinClass.BUSINESS), "A380 upper deck"
