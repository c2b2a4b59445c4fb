"""The world of the sandbox: real routes and airlines, modelled frequencies and times."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from farebridge.domain.money import REFERENCE_USD_RATES
from farebridge.domain.places import PlaceDirectory, great_circle_km
from farebridge.providers.sandbox.world.aircraft import aircraft_type, aircraft_types
from farebridge.providers.sandbox.world.airlines import (
    Alliance,
    BusinessModel,
    airline_directory,
    compatible,
    interline_family,
)
from farebridge.providers.sandbox.world.network import (
    Network,
    SchedulePattern,
    block_minutes,
    build_network,
)
from farebridge.providers.sandbox.world.routes import route_network
from farebridge.providers.sandbox.world.schedule import tailwind_kmh
from tests.unit.sandbox.conftest import SEED, TRAVEL_ON, airline


def _between(network: Network, origin: str, destination: str) -> list[SchedulePattern]:
    return [p for p in network.patterns_from(origin) if p.destination.iata_code == destination]


def _daily(patterns: list[SchedulePattern]) -> float:
    return sum(len(p.weekdays) for p in patterns) / 7


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


def test_the_same_seed_gives_the_same_timetable(places: PlaceDirectory) -> None:
    first = build_network(places, seed=SEED, target_flights_per_day=15_000)
    again = build_network(places, seed=SEED, target_flights_per_day=15_000)
    other = build_network(places, seed=SEED + 1, target_flights_per_day=15_000)
    assert _signature(again) == _signature(first)
    assert _signature(other) != _signature(first)
    assert abs(first.flights_per_day() - 15_000) < 1_500  # at least once a week each


def test_the_world_is_the_size_of_the_real_one(network: Network) -> None:
    assert 80_000 <= network.flights_per_day() <= 130_000
    assert len(network.airports()) >= 3_000
    designators = [p.designator for p in network.patterns]
    assert len(designators) == len(set(designators))
    assert max(p.number for p in network.patterns) <= 9_999, "four-digit flight numbers"


def test_small_airports_are_served(network: Network) -> None:
    assert {p.airline.iata_code for p in _between(network, "GLA", "BRR")} == {"LM"}
    aspen = _between(network, "DEN", "ASE")
    assert aspen and {(p.airline.iata_code, p.operating_airline.iata_code) for p in aspen} == {
        ("UA", "OO")
    }, "United Express, flown by SkyWest"
    assert _between(network, "LGW", "INV"), "easyJet to Inverness"
    assert all(p.aircraft.is_regional for p in aspen)


def test_busy_routes_have_many_airlines_and_aircraft(network: Network) -> None:
    london_new_york = _between(network, "JFK", "LHR")
    assert {"BA", "VS", "AA", "DL"} <= {p.airline.iata_code for p in london_new_york}
    assert len({p.aircraft.iata_code for p in london_new_york}) >= 3
    assert _daily(_between(network, "SYD", "MEL")) > 30
    assert {"QF", "VA", "JQ"} <= {p.airline.iata_code for p in _between(network, "SYD", "MEL")}


def test_merged_airlines_fly_as_their_successor_and_ceased_ones_drop_out(
    places: PlaceDirectory, network: Network
) -> None:
    directory = airline_directory(places)
    assert directory.resolve("US") == airline("AA")  # US Airways
    assert directory.resolve("BE") == airline("LM")  # Flybe's Scottish routes: Loganair
    assert directory.resolve("AB") is None and directory.resolve("9W") is None
    sellers = {p.airline.iata_code for p in network.patterns}
    assert not sellers & {"US", "AB", "9W", "BE", "UN", "VX"}
    assert _between(network, "CLT", "PHL"), "US Airways' Charlotte route is American's"


def test_written_down_facts_about_airlines(places: PlaceDirectory) -> None:
    facts = {
        "BA": ("125", Alliance.ONEWORLD, "LHR", "GBP"),
        "QR": ("157", Alliance.ONEWORLD, "DOH", "QAR"),
        "LH": ("220", Alliance.STAR_ALLIANCE, "FRA", "EUR"),
        "AF": ("057", Alliance.SKYTEAM, "CDG", "EUR"),
        "EK": ("176", None, "DXB", "AED"),
        "AA": ("001", Alliance.ONEWORLD, "DFW", "USD"),
    }
    for code, (prefix, alliance, hub, currency) in facts.items():
        carrier = airline(code)
        assert (carrier.ticket_prefix, carrier.alliance, carrier.hubs[0], carrier.currency) == (
            prefix,
            alliance,
            hub,
            currency,
        )
    assert airline("FR").business_model is BusinessModel.LOW_COST
    assert airline("OO").sells_as == "UA"
    directory = airline_directory(places)
    prefixes = [a.ticket_prefix for a in directory]
    assert len(prefixes) == len(set(prefixes))
    assert all(len(p) == 3 and p.isdigit() for p in prefixes)
    assert all(a.currency in REFERENCE_USD_RATES for a in directory)
    assert not [a for a in directory if a.is_low_cost and a.alliance]


def test_at_least_150_sellers_have_written_down_facts(
    places: PlaceDirectory, network: Network
) -> None:
    directory = airline_directory(places)
    flights = Counter(p.airline.iata_code for p in network.patterns for _ in p.weekdays)
    largest = [code for code, _ in flights.most_common(150)]
    assert all(directory.status(code) is not None for code in largest)


def test_codeshares_market_partner_flights(network: Network) -> None:
    """Operated by British Airways, marketed by American (seed 000's example)."""
    shared = [
        p
        for p in network.patterns
        if p.airline.iata_code == "BA" and p.number_for(airline("AA")) is not None
    ]
    assert shared
    for pattern in shared[:50]:
        assert compatible(pattern.airline, airline("AA"))
        number = pattern.number_for(airline("AA"))
        assert number is not None and 6000 <= number <= 9999
    regional = [p for p in network.patterns if p.operator is not None]
    assert regional and all(p.operator.sells_as in (None, p.airline.iata_code) for p in regional)


def test_compatible_means_one_interline_family(places: PlaceDirectory) -> None:
    sample = [airline(code) for code in ("BA", "AA", "IB", "LH", "UA", "AF", "DL", "EK", "FR")]
    for first in sample:
        for second in sample:
            same = interline_family(first) == interline_family(second)
            assert compatible(first, second) == same
    assert not compatible(airline("FR"), airline("U2"))
    loganair = airline("LM")  # a regional airline interlines with every alliance
    assert all(compatible(loganair, airline(code)) for code in ("BA", "LH", "AF", "LM"))
    assert not compatible(loganair, airline("EK")) and not compatible(loganair, airline("U2"))


def test_every_route_is_in_the_data(places: PlaceDirectory, network: Network) -> None:
    pairs = {(r.first.iata_code, r.second.iata_code) for r in route_network(places).routes}
    for pattern in network.patterns[::97]:
        ends = sorted((pattern.origin.iata_code, pattern.destination.iata_code))
        assert (ends[0], ends[1]) in pairs
        assert pattern.aircraft.range_km >= pattern.distance_km or pattern.aircraft.key in (
            "77W",
            "77W/Y",
        )


def test_eastbound_across_the_atlantic_is_shorter(places: PlaceDirectory) -> None:
    jfk, lhr = places.airport("JFK"), places.airport("LHR")
    assert jfk is not None and lhr is not None
    jet = aircraft_type("77W")
    assert tailwind_kmh(jfk, lhr) > 50 > -50 > tailwind_kmh(lhr, jfk)
    distance = great_circle_km(jfk, lhr)
    east = block_minutes(distance, jet, tailwind_kmh=tailwind_kmh(jfk, lhr))
    west = block_minutes(distance, jet, tailwind_kmh=tailwind_kmh(lhr, jfk))
    assert 390 <= east <= 440 and 460 <= west <= 510  # published: about 420 and 475


def test_long_haul_flies_overnight(network: Network) -> None:
    eastbound = _between(network, "JFK", "LHR")
    overnight = [p for p in eastbound if p.departure_minute >= 17 * 60]
    assert len(overnight) > len(eastbound) / 2
    for pattern in overnight:
        flight = network.flight(pattern.designator, TRAVEL_ON)
        if flight is not None:
            assert flight.arriving_at.date() == TRAVEL_ON + timedelta(days=1)
            assert 5 <= flight.arriving_at.hour <= 12


def test_departures_and_arrivals_at_civil_hours(network: Network) -> None:
    for pattern in network.patterns[::31]:
        flight = network.flight(pattern.designator, date(2027, 1, 12) + timedelta(days=1))
        if flight is None:
            continue
        local = flight.departing_at.hour * 60 + flight.departing_at.minute
        assert local >= 5 * 60 + 30 or pattern.block_minutes >= 240, pattern.designator


def test_hub_departures_cluster_in_banks(network: Network) -> None:
    """Delta leaves Atlanta in waves, not all day long."""
    minutes = [
        p.departure_minute for p in network.patterns_from("ATL") if p.airline.iata_code == "DL"
    ]
    assert len(minutes) > 300
    slots = Counter(minute // 15 for minute in minutes)
    busiest = sum(count for _, count in slots.most_common(len(slots) // 3))
    assert busiest > 0.6 * len(minutes)  # a uniform spread: about a third


def test_arrival_is_block_time_later_in_the_destination_zone(network: Network) -> None:
    for flight in network.flights_from("JFK", TRAVEL_ON):
        assert flight.departure_on == TRAVEL_ON == flight.departing_at.date()
        assert str(flight.departing_at.tzinfo) == "America/New_York"
        assert str(flight.arriving_at.tzinfo) == flight.destination.time_zone
        assert flight.arriving_at - flight.departing_at == timedelta(
            minutes=flight.pattern.block_minutes
        )


def test_local_departure_time_is_kept_across_daylight_saving(network: Network) -> None:
    pattern = next(p for p in network.patterns_from("LHR") if p.weekdays == frozenset(range(7)))
    winter = network.flight(pattern.designator, date(2026, 12, 1))
    summer = network.flight(pattern.designator, date(2027, 7, 1))
    assert winter is not None and summer is not None
    assert winter.departing_at.time() == summer.departing_at.time() == pattern.departure_time
    assert winter.departing_at.utcoffset() != summer.departing_at.utcoffset()


def test_weekly_patterns_only_fly_on_their_days(network: Network) -> None:
    pattern = next(p for p in network.patterns if len(p.weekdays) < 7)
    week = [TRAVEL_ON + timedelta(days=offset) for offset in range(7)]
    flying = [day for day in week if network.flight(pattern.designator, day) is not None]
    assert {day.weekday() for day in flying} == pattern.weekdays
    boards = [
        day
        for day in week
        if pattern.designator
        in {f.designator for f in network.flights_from(pattern.origin.iata_code, day)}
    ]
    assert boards == flying


def test_day_boards_are_sorted_and_indexed_by_destination(network: Network) -> None:
    board = network.board("FRA", TRAVEL_ON)
    assert list(board.departure_minutes) == sorted(board.departure_minutes)
    assert sum(len(items) for items in board.by_destination.values()) == len(board.flights)
    first = board.flights[0]
    assert first.departing_at.astimezone(UTC) == datetime.fromtimestamp(
        first.departure_minute * 60, UTC
    )


@pytest.mark.parametrize("code", ["320", "738", "77W", "DHT", "CR7", "388", "E90"])
def test_aircraft_layouts(code: str) -> None:
    two_class, all_economy = aircraft_type(code), aircraft_type(code, single_class=True)
    assert two_class is not None and all_economy is not None
    assert {layout.cabin for layout in all_economy.cabins} == {"economy"}
    assert two_class.name


def test_every_listed_aircraft_code_has_a_type(places: PlaceDirectory) -> None:
    listed = {code for r in route_network(places).routes for code in r.equipment}
    types = aircraft_types()
    assert listed and all(code in types for code in listed)
