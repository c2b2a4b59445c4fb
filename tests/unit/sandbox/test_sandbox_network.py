"""The timetable: deterministic per seed, real airports, local times, hub banks."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from farebridge.domain.money import REFERENCE_USD_RATES
from farebridge.domain.places import PlaceDirectory, great_circle_km
from farebridge.providers.sandbox.world.aircraft import AIRCRAFT_TYPES
from farebridge.providers.sandbox.world.network import Network, block_minutes, build_network
from farebridge.providers.sandbox.world.reference import (
    AIRLINES,
    AIRLINES_BY_CODE,
    Alliance,
    compatible,
    interline_family,
)
from farebridge.providers.sandbox.world.timetable import BANKS_PER_DAY
from tests.unit.sandbox.conftest import SEED, TRAVEL_ON


def _signature(network: Network) -> list[tuple[str, str, str, int, str, tuple[int, ...]]]:
    return [
        (
            p.designator,
            p.origin.iata_code,
            p.destination.iata_code,
            p.departure_minute,
            p.aircraft.key,
            tuple(sorted(p.weekdays)),
        )
        for p in network.patterns
    ]


def test_the_same_seed_gives_the_same_timetable(places: PlaceDirectory, network: Network) -> None:
    again = build_network(places, seed=SEED)
    assert _signature(again) == _signature(network)
    assert again.flights_from("LHR", TRAVEL_ON) == network.flights_from("LHR", TRAVEL_ON)


def test_another_seed_gives_another_timetable(places: PlaceDirectory, network: Network) -> None:
    other = build_network(places, seed=SEED + 1)
    assert _signature(other) != _signature(network)


def test_reference_airports_are_real_and_fleets_known(places: PlaceDirectory) -> None:
    for airline in AIRLINES:
        codes = (*airline.hubs, *airline.destinations)
        assert [code for code in codes if places.airport(code) is None] == [], airline.iata_code
        assert len(set(codes)) == len(codes), airline.iata_code
        assert 15 <= len(airline.destinations) <= 40, airline.iata_code
        assert set(airline.fleet) <= set(AIRCRAFT_TYPES)
        assert len(airline.ticket_prefix) == 3 and airline.ticket_prefix.isdigit()
        assert airline.currency in REFERENCE_USD_RATES, airline.iata_code
        assert not (airline.is_low_cost and airline.alliance), airline.iata_code
    assert len(AIRLINES) >= 50
    assert len({a.ticket_prefix for a in AIRLINES}) == len(AIRLINES)
    assert {a.iata_code for a in AIRLINES if a.is_low_cost} == {
        *("FR", "U2", "W6", "VY", "EW", "WN", "B6", "NK", "G3", "6E", "AK", "TR")
    }


def test_written_down_facts_about_airlines() -> None:
    facts = {
        "BA": ("125", Alliance.ONEWORLD, "LHR"),
        "QR": ("157", Alliance.ONEWORLD, "DOH"),
        "LH": ("220", Alliance.STAR_ALLIANCE, "FRA"),
        "TK": ("235", Alliance.STAR_ALLIANCE, "IST"),
        "AF": ("057", Alliance.SKYTEAM, "CDG"),
        "SK": ("117", Alliance.SKYTEAM, "CPH"),
        "EK": ("176", None, "DXB"),
        "LA": ("045", None, "SCL"),
    }
    for code, (prefix, alliance, hub) in facts.items():
        carrier = AIRLINES_BY_CODE[code]
        assert (carrier.ticket_prefix, carrier.alliance, carrier.hubs[0]) == (prefix, alliance, hub)
    assert AIRLINES_BY_CODE["NH"].currency == "JPY" and AIRLINES_BY_CODE["AC"].currency == "CAD"


def test_compatible_means_one_interline_family() -> None:
    for first in AIRLINES:
        for second in AIRLINES:
            same_family = interline_family(first) == interline_family(second)
            assert compatible(first, second) == same_family, (first.iata_code, second.iata_code)


def test_designators_are_unique_and_every_airline_flies(network: Network) -> None:
    designators = [p.designator for p in network.patterns]
    assert len(designators) == len(set(designators))
    assert set(Counter(p.airline.iata_code for p in network.patterns)) == set(AIRLINES_BY_CODE)


def test_full_service_flights_touch_a_hub_and_low_cost_a_base(network: Network) -> None:
    for pattern in network.patterns:
        ends = {pattern.origin.iata_code, pattern.destination.iata_code}
        assert ends & set(pattern.airline.hubs), pattern.designator
        assert pattern.aircraft.range_km >= pattern.distance_km
        assert pattern.aircraft.key in pattern.airline.fleet


def test_arrival_is_block_time_later_in_the_destination_zone(network: Network) -> None:
    rolled_over = 0
    for flight in network.flights_from("JFK", TRAVEL_ON):
        assert flight.departure_on == TRAVEL_ON == flight.departing_at.date()
        assert str(flight.departing_at.tzinfo) == "America/New_York"
        assert str(flight.arriving_at.tzinfo) == flight.destination.time_zone
        elapsed = flight.arriving_at - flight.departing_at
        assert elapsed == timedelta(minutes=flight.pattern.block_minutes)
        rolled_over += flight.arriving_at.date() > flight.departure_on
    assert rolled_over > 0, "overnight flights arrive on the next local day"


def test_local_departure_time_is_kept_across_daylight_saving(network: Network) -> None:
    pattern = next(p for p in network.patterns_from("LHR") if p.weekdays == frozenset(range(7)))
    winter = network.flight(pattern.designator, date(2026, 12, 1))
    summer = network.flight(pattern.designator, date(2026, 7, 1))
    assert winter is not None and summer is not None
    assert winter.departing_at.time() == summer.departing_at.time() == pattern.departure_time
    assert winter.departing_at.utcoffset() != summer.departing_at.utcoffset()


def test_weekly_patterns_only_fly_on_their_days(network: Network) -> None:
    pattern = next(p for p in network.patterns if len(p.weekdays) < 7)
    week = [TRAVEL_ON + timedelta(days=offset) for offset in range(7)]
    flying = [day for day in week if network.flight(pattern.designator, day) is not None]
    assert {day.weekday() for day in flying} == pattern.weekdays
    board_days = [
        day
        for day in week
        if pattern.designator
        in {f.designator for f in network.flights_from(pattern.origin.iata_code, day)}
    ]
    assert board_days == flying


def test_block_time_grows_with_distance(places: PlaceDirectory) -> None:
    jfk, lhr, cdg = (places.airport(code) for code in ("JFK", "LHR", "CDG"))
    assert jfk is not None and lhr is not None and cdg is not None
    transatlantic = block_minutes(great_circle_km(jfk, lhr))
    assert 6 * 60 + 30 <= transatlantic <= 8 * 60
    assert 50 <= block_minutes(great_circle_km(lhr, cdg)) <= 90


def test_hub_departures_cluster_in_banks(network: Network) -> None:
    """BA leaves Heathrow in its banks (each under an hour long), not all day long."""
    minutes = [
        p.departure_minute for p in network.patterns_from("LHR") if p.airline.iata_code == "BA"
    ]
    ten_minute_slots = {minute // 10 for minute in minutes}
    assert len(minutes) > 60
    assert len(ten_minute_slots) <= BANKS_PER_DAY * 6  # a uniform spread: about 70 slots


def test_day_boards_are_sorted_and_indexed_by_destination(network: Network) -> None:
    board = network.board("FRA", TRAVEL_ON)
    assert list(board.departure_minutes) == sorted(board.departure_minutes)
    assert sum(len(items) for items in board.by_destination.values()) == len(board.flights)
    first = board.flights[0]
    assert first.departing_at.astimezone(UTC) == datetime.fromtimestamp(
        first.departure_minute * 60, UTC
    )
