"""Network scales: dev is small and quick, world is the size of the real daily schedule."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from farebridge.domain.places import PlaceDirectory
from farebridge.providers.sandbox.search.engine import (
    ConnectionRules,
    SliceQuery,
    search_itineraries,
)
from farebridge.providers.sandbox.world.aircraft import AIRCRAFT_TYPES
from farebridge.providers.sandbox.world.airport_sizes import airport_size, size_table
from farebridge.providers.sandbox.world.network import (
    Network,
    block_minutes,
    build_network,
    cached_network,
)
from farebridge.providers.sandbox.world.routes import REGIONAL_RADIUS_KM
from farebridge.providers.sandbox.world.scales import WORLD, network_scale
from tests.unit.sandbox.conftest import SEED, TRAVEL_ON
from tests.unit.sandbox.itinerary_checks import check_rules

RULES = ConnectionRules()


@pytest.fixture(scope="module")
def world(places: PlaceDirectory) -> Network:
    return build_network(places, seed=SEED, scale="world")


def _signature(network: Network) -> list[tuple[str, str, str, int, int, str, frozenset[int]]]:
    return [
        (
            p.designator,
            p.origin.iata_code,
            p.destination.iata_code,
            p.departure_minute,
            p.block_minutes,
            p.aircraft.key,
            p.weekdays,
        )
        for p in network.patterns
    ]


def test_dev_is_a_few_hundred_airports(network: Network) -> None:
    """(It builds in about 0.25 s: ``python -m benchmarks.search_world`` prints it.)"""
    assert 300 <= len(network.airports()) <= 1_000
    assert 5_000 <= network.flights_per_day() <= 10_000


def test_world_reaches_the_real_daily_schedule(world: Network) -> None:
    assert len(world.airports()) >= 3_500
    assert world.flights_per_day() >= 100_000
    assert world.scale == "world"
    designators = [p.designator for p in world.patterns]
    assert len(designators) == len(set(designators))
    assert max(p.number for p in world.patterns) <= 9_999, "four-digit flight numbers"


def test_regional_arms_fly_regional_aircraft_near_the_hubs(world: Network) -> None:
    regional = [p for p in world.patterns if p.aircraft.is_regional]
    assert len(regional) > 10_000
    for pattern in regional:
        assert pattern.distance_km <= max(REGIONAL_RADIUS_KM, 4_000)
        assert {pattern.origin.iata_code, pattern.destination.iata_code} & set(
            pattern.airline.hubs
        ), pattern.designator
    turboprops = [p for p in regional if p.aircraft.is_turboprop]
    assert turboprops and all(p.distance_km <= p.aircraft.range_km for p in turboprops)
    assert {p.aircraft.key for p in regional} >= {"AT7", "DH4", "CR9", "E75", "E90"}


def test_frequencies_follow_airport_size(places: PlaceDirectory, world: Network) -> None:
    departures = Counter(p.origin.iata_code for p in world.patterns for _ in p.weekdays)
    sizes = size_table(places, SEED)
    big = sorted(departures, key=lambda code: -sizes.get(code, 0))[:50]
    small = [code for code in departures if sizes.get(code, 0) < 2.5]
    assert min(departures[code] for code in big) > 3 * max(departures[code] for code in small)


def test_low_cost_airlines_fly_point_to_point_from_their_bases(world: Network) -> None:
    low_cost = [p for p in world.patterns if p.airline.is_low_cost]
    assert len(low_cost) > 10_000
    assert all(
        {p.origin.iata_code, p.destination.iata_code} & set(p.airline.hubs) for p in low_cost
    )


def test_a_target_size_builds_that_many_flights(places: PlaceDirectory) -> None:
    small = build_network(places, seed=SEED, target_flights_per_day=20_000)
    again = build_network(places, seed=SEED, target_flights_per_day=20_000)
    assert abs(small.flights_per_day() - 20_000) < 200
    assert _signature(small) == _signature(again)
    sized = network_scale(target_flights_per_day=200_000)
    assert sized.airports > WORLD.airports and sized.flights_per_day == 200_000
    with pytest.raises(ValueError, match="unknown sandbox scale"):
        network_scale("galaxy")


def test_cached_network_takes_a_scale(places: PlaceDirectory) -> None:
    assert cached_network(places, SEED) is cached_network(places, SEED, "dev")
    assert cached_network(places, SEED, "dev").scale == "dev"


def test_airport_size_heuristic(places: PlaceDirectory) -> None:
    def size(code: str) -> float:
        airport = places.airport(code)
        assert airport is not None
        return airport_size(airport, SEED)

    assert size("LHR") > size("EDI") > size("INV") > 0
    assert size("MHZ") == 0  # RAF Mildenhall: military, never served
    assert size("LHR") == size("LHR")


def test_block_time_follows_the_aircraft() -> None:
    turboprop, jet = AIRCRAFT_TYPES["AT7"], AIRCRAFT_TYPES["320"]
    assert block_minutes(600, turboprop) > block_minutes(600, jet) == block_minutes(600)
    assert AIRCRAFT_TYPES["AT7"].cabins[0].seats == "AC DF"  # 2-2
    assert AIRCRAFT_TYPES["CR9"].cabins[0].seats == "A CD"  # 1-2 first class


def test_world_search_respects_the_rules(places: PlaceDirectory, world: Network) -> None:
    for origin, destination, offset in (("ORD", "SIN", 0), ("EDI", "HND", 3), ("BOI", "KRK", 9)):
        query = SliceQuery(
            places.expand(origin),
            places.expand(destination),
            TRAVEL_ON + timedelta(days=offset),
            max_connections=2,
        )
        result = search_itineraries(world, query)
        assert result.itineraries, (origin, destination)
        for itinerary in result.itineraries:
            check_rules(itinerary, query, RULES)
