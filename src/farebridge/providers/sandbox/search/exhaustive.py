"""A plain exhaustive enumerator of itineraries: the reference the fast search is checked by.

Depth-first over materialised flights (day boards), following the rules of
``itineraries.py`` and nothing else: from every flight leaving an origin on
the date, every flight leaving its arrival airport within the maximum
layover, up to ``max_connections`` connections (a last flight must reach a
destination, so the last step reads the board's flights to the
destinations). No bound, no ordering, no index: it finds every itinerary,
then ranks them. Slow by design; used by tests and the benchmark only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from farebridge.domain.places import Airport, great_circle_km
from farebridge.providers.sandbox.search.itineraries import (
    DEFAULT_LIMIT,
    ConnectionRules,
    Itinerary,
    ItineraryResult,
    SliceQuery,
    ranking_key,
)
from farebridge.providers.sandbox.world.airlines import common_families, interline_family
from farebridge.providers.sandbox.world.network import Flight, Network


def exhaustive_itineraries(
    network: Network,
    query: SliceQuery,
    *,
    rules: ConnectionRules | None = None,
    limit: int = DEFAULT_LIMIT,
) -> ItineraryResult:
    """Every itinerary for ``query``, ranked and capped at ``limit``."""
    rules = rules or ConnectionRules()
    enumerator = _Enumerator(network, query, rules)
    longest = rules.max_elapsed_minutes(query)
    everything = sorted(
        (i for i in enumerator.run().values() if longest is None or i.duration_minutes <= longest),
        key=ranking_key,
    )
    chosen = _diverse(everything, limit=max(limit, 0), cap=rules.per_connection_cap(limit))
    return ItineraryResult(tuple(chosen), len(everything) > len(chosen))


def _diverse(ranked: list[Itinerary], *, limit: int, cap: int) -> list[Itinerary]:
    """The first ``limit`` in ranking order, at most ``cap`` per connecting airports."""
    kept: list[Itinerary] = []
    via: dict[tuple[str, ...], int] = {}
    for itinerary in ranked:
        if len(kept) >= limit:
            break
        airports = tuple(f.destination.iata_code for f in itinerary.flights[:-1])
        if airports and via.get(airports, 0) >= cap:
            continue
        via[airports] = via.get(airports, 0) + 1
        kept.append(itinerary)
    return kept


class _Enumerator:
    def __init__(self, network: Network, query: SliceQuery, rules: ConnectionRules) -> None:
        self.network = network
        self.query = query
        self.rules = rules
        self.origin_codes = frozenset(a.iata_code for a in query.origins)
        self.destination_codes = frozenset(a.iata_code for a in query.destinations)
        self.found: dict[tuple[object, ...], Itinerary] = {}
        self._remaining: dict[str, float] = {}

    def run(self) -> dict[tuple[object, ...], Itinerary]:
        for origin in dict.fromkeys(self.query.origins):
            if origin.iata_code in self.destination_codes or not self.query.destinations:
                continue
            budget = self.remaining_km(origin) * self.rules.max_detour
            earliest = self.query.earliest_departure_minute
            for first in self.network.flights_from(origin.iata_code, self.query.departure_on):
                if earliest is not None and first.departure_minute < earliest:
                    continue
                window = self.query.departure_time
                if window is not None and not window.contains(first.departing_at):
                    continue
                if self.allowed(first) and first.destination.iata_code not in self.origin_codes:
                    self.extend((first,), first.pattern.distance_km, budget)
        return self.found

    def remaining_km(self, airport: Airport) -> float:
        known = self._remaining.get(airport.iata_code)
        if known is None:
            known = min(great_circle_km(airport, there) for there in self.query.destinations)
            self._remaining[airport.iata_code] = known
        return known

    def allowed(self, flight: Flight) -> bool:
        """Sold by a preferred airline: its own flight, or a partner's it codeshares."""
        preferred = self.query.preferred_airlines
        return (
            not preferred
            or flight.airline.iata_code in preferred
            or any(partner.iata_code in preferred for partner, _ in flight.pattern.codeshares)
        )

    def extend(self, path: tuple[Flight, ...], flown_km: float, budget_km: float) -> None:
        last = path[-1]
        if last.destination.iata_code in self.destination_codes:
            self.accept(path)
            return
        if len(path) > self.query.max_connections:
            return
        if flown_km + self.remaining_km(last.destination) > budget_km:
            return
        visited = self.origin_codes | {f.destination.iata_code for f in path}
        last_flight = len(path) == self.query.max_connections
        for following in self.departures_after(last, last_flight=last_flight):
            if following.destination.iata_code in visited or not self.allowed(following):
                continue
            if not common_families(f.airline for f in (*path, following)):
                continue
            layover = following.departure_minute - last.arrival_minute
            if layover < self.rules.minimum_connecting_minutes(last, following):
                continue
            self.extend((*path, following), flown_km + following.pattern.distance_km, budget_km)

    def departures_after(self, arriving: Flight, *, last_flight: bool) -> Iterator[Flight]:
        """Flights leaving where ``arriving`` lands, within the maximum layover."""
        latest = arriving.arrival_minute + self.rules.max_layover_minutes
        here = arriving.arriving_at.tzinfo
        day = arriving.arriving_at.date()
        last_day = datetime.fromtimestamp(latest * 60, here).date()
        while day <= last_day:
            board = self.network.board(arriving.destination.iata_code, day)
            flights = (
                [f for code in self.destination_codes for f in board.by_destination.get(code, ())]
                if last_flight
                else board.flights
            )
            for flight in flights:
                if arriving.arrival_minute <= flight.departure_minute <= latest:
                    yield flight
            day += timedelta(days=1)

    def accept(self, path: tuple[Flight, ...]) -> None:
        window = self.query.arrival_time
        if window is not None and not window.contains(path[-1].arriving_at):
            return
        own = {interline_family(f.airline) for f in path}
        for family in common_families(f.airline for f in path) & own:
            itinerary = Itinerary(path, family)
            self.found.setdefault(itinerary.key, itinerary)
