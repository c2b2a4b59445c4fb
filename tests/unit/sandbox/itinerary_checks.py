"""Checks every itinerary must pass, whichever engine found it (the rules of
``providers/sandbox/search/itineraries.py``)."""

from __future__ import annotations

import itertools

from farebridge.domain.places import great_circle_km
from farebridge.providers.sandbox.search.itineraries import ConnectionRules, Itinerary, SliceQuery
from farebridge.providers.sandbox.world.airlines import (
    common_families,
    compatible,
    interline_family,
)


def check_rules(itinerary: Itinerary, query: SliceQuery, rules: ConnectionRules) -> None:
    flights = itinerary.flights
    assert flights[0].origin in query.origins
    assert flights[-1].destination in query.destinations
    assert flights[0].departure_on == query.departure_on
    assert len(flights) - 1 <= query.max_connections
    visited = [flights[0].origin.iata_code] + [f.destination.iata_code for f in flights]
    assert len(visited) == len(set(visited)), "an airport is visited twice"
    origins = {a.iata_code for a in query.origins}
    destinations = {a.iata_code for a in query.destinations}
    assert not set(visited[1:]) & origins, "an itinerary never lands at an origin"
    assert not set(visited[1:-1]) & destinations, "it ends at the first destination"
    if query.preferred_airlines:
        assert {f.airline.iata_code for f in flights} <= query.preferred_airlines
    for before, after in itertools.pairwise(flights):
        assert before.destination == after.origin
        layover = after.departure_minute - before.arrival_minute
        assert rules.minimum_connecting_minutes(before, after) <= layover
        assert layover <= rules.max_layover_minutes
        assert compatible(before.airline, after.airline)
        if before.airline.is_low_cost or after.airline.is_low_cost:
            assert before.airline == after.airline, "low-cost carriers never interline"
    assert itinerary.family in common_families(f.airline for f in flights)
    assert itinerary.family in {interline_family(f.airline) for f in flights}
    _check_detour(itinerary, query, rules)


def _check_detour(itinerary: Itinerary, query: SliceQuery, rules: ConnectionRules) -> None:
    def remaining(code_index: int) -> float:
        airport = itinerary.flights[code_index].destination
        return min(great_circle_km(airport, there) for there in query.destinations)

    origin = itinerary.flights[0].origin
    budget = min(great_circle_km(origin, d) for d in query.destinations) * rules.max_detour
    flown = 0.0
    for index, flight in enumerate(itinerary.flights[:-1]):
        flown += flight.pattern.distance_km
        assert flown + remaining(index) <= budget, "too far from the great circle"
