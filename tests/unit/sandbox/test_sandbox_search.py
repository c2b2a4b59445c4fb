"""Itinerary search: connections, rules, filters, ranking and bounds."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import time
from typing import Any

import pytest

from farebridge.domain.places import PlaceDirectory, great_circle_km
from farebridge.domain.search import SliceRequest, TimeWindow
from farebridge.providers.sandbox.search.engine import (
    ConnectionRules,
    Itinerary,
    SliceQuery,
    search_itineraries,
    slice_query,
)
from farebridge.providers.sandbox.world.airlines import compatible
from farebridge.providers.sandbox.world.network import Network
from farebridge.providers.sandbox.world.schedule import Flight
from tests.unit.sandbox.conftest import TRAVEL_ON, airline
from tests.unit.sandbox.itinerary_checks import check_rules

RULES = ConnectionRules()
PAIRS = [
    ("JFK", "SIN"),
    ("LON", "NYC"),
    ("MAN", "ATH"),
    ("GLA", "JFK"),
    ("DUB", "ALC"),
    ("BOS", "FCO"),
    ("SYD", "LHR"),
]


def _query(
    places: PlaceDirectory,
    origin: str,
    destination: str,
    *,
    max_connections: int = 1,
    **options: Any,
) -> SliceQuery:
    request = SliceRequest(origin, destination, TRAVEL_ON)
    return replace(slice_query(places, request, max_connections=max_connections), **options)


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_every_itinerary_respects_the_connection_rules(
    places: PlaceDirectory, network: Network, origin: str, destination: str
) -> None:
    query = _query(places, origin, destination, max_connections=2)
    result = search_itineraries(network, query)
    assert result.itineraries, f"{origin}-{destination} should be served"
    for itinerary in result.itineraries:
        check_rules(itinerary, query, RULES)


def test_jfk_lhr_has_nonstops(places: PlaceDirectory, network: Network) -> None:
    result = search_itineraries(network, _query(places, "JFK", "LHR", max_connections=0))
    assert len(result.itineraries) >= 2
    assert all(i.connections == 0 for i in result.itineraries)
    assert {i.flights[0].airline.iata_code for i in result.itineraries} >= {"BA"}


def test_a_pair_without_a_nonstop_connects_once(places: PlaceDirectory, network: Network) -> None:
    assert not [p for p in network.patterns_from("MAN") if p.destination.iata_code == "SIN"]
    nonstop = search_itineraries(network, _query(places, "MAN", "SIN", max_connections=0))
    connecting = search_itineraries(network, _query(places, "MAN", "SIN", max_connections=1))
    assert nonstop.itineraries == ()
    assert connecting.itineraries and all(i.connections == 1 for i in connecting.itineraries)
    hubs = {i.flights[0].destination.iata_code for i in connecting.itineraries}
    assert hubs & {"LHR", "AMS", "DXB", "CDG", "FRA"}


def test_a_city_code_expands_to_its_airports(places: PlaceDirectory, network: Network) -> None:
    query = _query(places, "LON", "BCN", max_connections=0)
    assert {a.iata_code for a in query.origins} == {"LHR", "LGW", "STN", "LTN", "LCY", "SEN"}
    result = search_itineraries(network, query)
    origins = {i.flights[0].origin.iata_code for i in result.itineraries}
    assert len(origins) >= 2 and origins <= {a.iata_code for a in query.origins}


def test_low_cost_carriers_connect_online_only(places: PlaceDirectory, network: Network) -> None:
    result = search_itineraries(network, _query(places, "DUB", "ALC", max_connections=1))
    connecting = [i for i in result.itineraries if i.connections]
    low_cost = [i for i in connecting if any(f.airline.is_low_cost for f in i.flights)]
    assert low_cost, "Ryanair connects over its bases"
    assert all(len({f.airline.iata_code for f in i.flights}) == 1 for i in low_cost)


def test_small_islands_connect_on_one_ticket(places: PlaceDirectory, network: Network) -> None:
    """London to Barra: British Airways to Glasgow, then Loganair's Twin Otter, sold by
    British Airways (regional airlines interline with the alliances)."""
    query = _query(places, "LON", "BRR", max_connections=1)
    result = search_itineraries(network, query)
    assert result.itineraries
    for itinerary in result.itineraries:
        assert itinerary.flights[-1].airline.iata_code == "LM"
        check_rules(itinerary, query, RULES)
    assert "oneworld" in {i.family for i in result.itineraries}


def test_alliance_rules() -> None:
    assert compatible(airline("BA"), airline("AA")) and compatible(airline("LH"), airline("SQ"))
    assert not compatible(airline("BA"), airline("LH"))
    assert not compatible(airline("EK"), airline("BA"))
    assert not compatible(airline("FR"), airline("U2"))
    assert compatible(airline("FR"), airline("FR")) and compatible(airline("EK"), airline("EK"))


def test_minimum_connecting_time_depends_on_airport_and_borders(network: Network) -> None:
    into_lhr = next(
        f for f in network.flights_from("JFK", TRAVEL_ON) if f.destination.iata_code == "LHR"
    )
    onward = network.flights_from("LHR", TRAVEL_ON)
    domestic = next(f for f in onward if f.destination.country_code == "GB")
    assert RULES.minimum_connecting_minutes(into_lhr, domestic) == 90  # JFK is abroad
    into_lhr_domestic = next(
        f for f in network.flights_from("EDI", TRAVEL_ON) if f.destination.iata_code == "LHR"
    )
    assert RULES.minimum_connecting_minutes(into_lhr_domestic, domestic) == 60


def test_time_windows_filter_departures_and_arrivals(
    places: PlaceDirectory, network: Network
) -> None:
    everything = search_itineraries(network, _query(places, "LON", "NYC"))
    morning = TimeWindow(time(6, 0), time(11, 59))
    evening = TimeWindow(time(18, 0), time(23, 59))
    departing = search_itineraries(network, _query(places, "LON", "NYC", departure_time=morning))
    arriving = search_itineraries(network, _query(places, "LON", "NYC", arrival_time=evening))
    assert departing.itineraries and arriving.itineraries
    assert len(departing.itineraries) < len(everything.itineraries) or everything.truncated
    assert all(morning.contains(i.flights[0].departing_at) for i in departing.itineraries)
    assert all(evening.contains(i.flights[-1].arriving_at) for i in arriving.itineraries)
    assert any(not morning.contains(i.flights[0].departing_at) for i in everything.itineraries)


def _sellers(flight: Flight) -> set[str]:
    """The airlines that sell ``flight``: its own, and its codeshare partners."""
    return {flight.airline.iata_code} | {a.iata_code for a, _ in flight.pattern.codeshares}


def test_preferred_airlines_only(places: PlaceDirectory, network: Network) -> None:
    query = _query(places, "JFK", "SIN", preferred_airlines=frozenset({"LH", "SQ"}))
    result = search_itineraries(network, query)
    assert result.itineraries
    for itinerary in result.itineraries:
        assert all(_sellers(f) & {"LH", "SQ"} for f in itinerary.flights), itinerary.key


def test_preferred_airlines_include_the_flights_they_sell_as_codeshares(
    places: PlaceDirectory, network: Network
) -> None:
    """ "Flights these airlines sell" (``preferred_airlines``) includes a partner's flight
    sold under the airline's own number: American's JFK-LHR connections through its
    partners' hubs were missing, so a change listed through a Duffel upstream (which
    filters by marketing carrier) offered connections the upstream's own change search
    did not."""
    query = _query(places, "JFK", "LHR", preferred_airlines=frozenset({"AA"}))
    result = search_itineraries(network, query)
    flights = [f for i in result.itineraries for f in i.flights]
    assert all("AA" in _sellers(f) for f in flights)
    assert any(f.airline.iata_code != "AA" for f in flights), "a codeshare flight"


def test_ranked_by_duration_then_departure(places: PlaceDirectory, network: Network) -> None:
    result = search_itineraries(network, _query(places, "JFK", "SIN", max_connections=2))
    ranks = [(i.duration_minutes, i.departure_minute) for i in result.itineraries]
    assert ranks == sorted(ranks)
    assert len({i.key for i in result.itineraries}) == len(result.itineraries)


def test_results_are_capped_and_truncation_reported(
    places: PlaceDirectory, network: Network
) -> None:
    query = _query(places, "JFK", "SIN", max_connections=2)
    uncapped = ConnectionRules(connection_share=0)
    full = search_itineraries(network, query, rules=uncapped, limit=1000)
    capped = search_itineraries(network, query, rules=uncapped, limit=3)
    assert len(full.itineraries) > 3
    assert capped.truncated and capped.itineraries == full.itineraries[:3]
    bounded = search_itineraries(network, query, limit=1000, max_work=50)
    assert bounded.truncated and len(bounded.itineraries) < len(full.itineraries)


def _connections(itineraries: tuple[Itinerary, ...]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(f.destination.iata_code for f in i.flights[:-1]) for i in itineraries)


def test_results_stay_diverse(places: PlaceDirectory, network: Network) -> None:
    """Not the shortest 40 through one hub: at most a share through the same airports
    (from Aspen, most of the shortest trips to London change at Denver or Los Angeles)."""
    query = _query(places, "ASE", "LHR", max_connections=2)
    uncapped = search_itineraries(
        network, query, limit=40, rules=ConnectionRules(connection_share=0)
    )
    busiest = max(_connections(uncapped.itineraries).values())
    assert busiest > 4, "without a cap, one pair of hubs takes more"
    result = search_itineraries(
        network, query, limit=40, rules=ConnectionRules(connection_share=0.1)
    )
    assert len(result.itineraries) == 40 and result.truncated
    via = _connections(result.itineraries)
    assert max(via.values()) <= 4 and len(via) >= 10


def test_the_search_never_sells_a_flight_about_to_leave(
    places: PlaceDirectory, network: Network
) -> None:
    query = _query(places, "LON", "NYC", max_connections=1)
    everything = search_itineraries(network, query)
    noon = min(i.departure_minute for i in everything.itineraries) + 6 * 60
    later = search_itineraries(network, replace(query, earliest_departure_minute=noon))
    assert later.itineraries
    assert all(i.departure_minute >= noon for i in later.itineraries)
    assert len(later.itineraries) < len(everything.itineraries) or everything.truncated


def test_detour_pruning_keeps_routes_near_the_great_circle(
    places: PlaceDirectory, network: Network
) -> None:
    query = _query(places, "JFK", "SIN", max_connections=2)
    direct = great_circle_km(query.origins[0], query.destinations[0])
    for itinerary in search_itineraries(network, query, limit=1000).itineraries:
        flown = sum(f.pattern.distance_km for f in itinerary.flights)
        assert flown <= RULES.max_detour * direct + 1
