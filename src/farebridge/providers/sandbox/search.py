"""Itinerary search for one slice over the sandbox network.

Depth-first from each origin airport over day boards (flights indexed by
origin and local date, and by destination), with at most ``max_connections``
connections. A connection must respect the minimum connecting time and the
maximum layover, be online or within one alliance (low-cost carriers never
interline), never revisit an airport, and never stray far from the great
circle: the distance flown so far plus what remains must stay within
``max_detour`` times the direct distance. The work is bounded; when the bound
is hit or the result is capped the result says ``truncated``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from farebridge.domain.places import Airport, PlaceDirectory, great_circle_km
from farebridge.domain.search import SliceRequest, TimeWindow
from farebridge.providers.sandbox.network import Flight, Network
from farebridge.providers.sandbox.reference import compatible

# Minimum connecting times in minutes, (domestic, international), where the
# airport publishes its own; elsewhere the defaults of ``ConnectionRules``.
MCT_OVERRIDES: dict[str, tuple[int, int]] = {
    "LHR": (60, 90),
    "CDG": (60, 90),
    "JFK": (60, 90),
    "EWR": (60, 90),
    "LAX": (60, 90),
    "FRA": (45, 45),
    "MUC": (30, 35),
    "AMS": (40, 50),
    "MAD": (45, 60),
    "DXB": (60, 75),
    "SIN": (60, 60),
    "HND": (60, 75),
    "NRT": (60, 90),
    "SYD": (60, 90),
    "ATL": (40, 90),
    "ORD": (50, 90),
    "DFW": (45, 75),
    "IAH": (45, 75),
}

DEFAULT_LIMIT = 50
DEFAULT_MAX_WORK = 200_000


@dataclass(frozen=True, slots=True)
class ConnectionRules:
    domestic_mct_minutes: int = 45
    international_mct_minutes: int = 75
    max_layover_minutes: int = 6 * 60
    max_detour: float = 1.9
    mct_overrides: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: dict(MCT_OVERRIDES)
    )

    def minimum_connecting_minutes(self, arriving: Flight, departing: Flight) -> int:
        """Domestic when all three airports are in one country, else international."""
        domestic = (
            arriving.origin.country_code
            == arriving.destination.country_code
            == departing.destination.country_code
        )
        default = (self.domestic_mct_minutes, self.international_mct_minutes)
        times = self.mct_overrides.get(arriving.destination.iata_code, default)
        return times[0] if domestic else times[1]

    @property
    def shortest_connection_minutes(self) -> int:
        return min(
            self.domestic_mct_minutes,
            self.international_mct_minutes,
            *(minimum for pair in self.mct_overrides.values() for minimum in pair),
        )


@dataclass(frozen=True, slots=True)
class SliceQuery:
    origins: tuple[Airport, ...]
    destinations: tuple[Airport, ...]
    departure_on: date  # local date of the first departure
    max_connections: int = 1
    departure_time: TimeWindow | None = None
    arrival_time: TimeWindow | None = None
    preferred_airlines: frozenset[str] = frozenset()  # empty: any airline


@dataclass(frozen=True, slots=True)
class Itinerary:
    flights: tuple[Flight, ...]

    @property
    def duration_minutes(self) -> int:
        return self.flights[-1].arrival_minute - self.flights[0].departure_minute

    @property
    def departure_minute(self) -> int:
        return self.flights[0].departure_minute

    @property
    def arrival_minute(self) -> int:
        return self.flights[-1].arrival_minute

    @property
    def connections(self) -> int:
        return len(self.flights) - 1

    @property
    def key(self) -> tuple[tuple[str, date], ...]:
        return tuple((f.designator, f.departure_on) for f in self.flights)

    @property
    def layovers_minutes(self) -> tuple[int, ...]:
        pairs = zip(self.flights, self.flights[1:], strict=False)
        return tuple(after.departure_minute - before.arrival_minute for before, after in pairs)


@dataclass(frozen=True, slots=True)
class ItineraryResult:
    itineraries: tuple[Itinerary, ...]  # best first: shortest, then earliest
    truncated: bool = False


def slice_query(
    places: PlaceDirectory,
    request: SliceRequest,
    *,
    max_connections: int,
    preferred_airlines: tuple[str, ...] = (),
) -> SliceQuery:
    """The query for one requested slice; city codes expand to their airports."""
    return SliceQuery(
        origins=places.expand(request.origin),
        destinations=places.expand(request.destination),
        departure_on=request.departure_date,
        max_connections=max_connections,
        departure_time=request.departure_time,
        arrival_time=request.arrival_time,
        preferred_airlines=frozenset(code.upper() for code in preferred_airlines),
    )


def search_itineraries(
    network: Network,
    query: SliceQuery,
    *,
    rules: ConnectionRules | None = None,
    limit: int = DEFAULT_LIMIT,
    max_work: int = DEFAULT_MAX_WORK,
) -> ItineraryResult:
    """Itineraries for ``query`` ranked by (duration, departure), at most ``limit``."""
    search = _Search(network, query, rules or ConnectionRules(), max_work)
    search.run()
    ranked = sorted(
        search.found.values(),
        key=lambda i: (i.duration_minutes, i.departure_minute, [f.designator for f in i.flights]),
    )
    truncated = search.exhausted or len(ranked) > limit
    return ItineraryResult(tuple(ranked[:limit]), truncated)


class _Search:
    def __init__(
        self, network: Network, query: SliceQuery, rules: ConnectionRules, max_work: int
    ) -> None:
        self.network = network
        self.query = query
        self.rules = rules
        self.max_work = max_work
        self.work = 0
        self.exhausted = False
        self.found: dict[tuple[tuple[str, date], ...], Itinerary] = {}
        self.destination_codes = frozenset(a.iata_code for a in query.destinations)
        self.destination_order = tuple(sorted(self.destination_codes))
        self.origin_codes = frozenset(a.iata_code for a in query.origins)
        self._remaining: dict[str, float] = {}

    def run(self) -> None:
        for origin in self.query.origins:
            if origin.iata_code in self.destination_codes:
                continue
            budget = self.remaining_km(origin) * self.rules.max_detour
            for first in self.network.flights_from(origin.iata_code, self.query.departure_on):
                if not self._tick():
                    return
                if self._airline_allowed(first) and self._departure_allowed(first):
                    self._extend((first,), first.pattern.distance_km, budget)

    def remaining_km(self, airport: Airport) -> float:
        """Great-circle distance from ``airport`` to the nearest destination."""
        known = self._remaining.get(airport.iata_code)
        if known is None:
            known = min(great_circle_km(airport, d) for d in self.query.destinations)
            self._remaining[airport.iata_code] = known
        return known

    def _tick(self) -> bool:
        self.work += 1
        if self.work > self.max_work:
            self.exhausted = True
        return not self.exhausted

    def _airline_allowed(self, flight: Flight) -> bool:
        preferred = self.query.preferred_airlines
        return not preferred or flight.airline.iata_code in preferred

    def _departure_allowed(self, flight: Flight) -> bool:
        window = self.query.departure_time
        return window is None or window.contains(flight.departing_at)

    def _extend(self, path: tuple[Flight, ...], flown_km: float, budget_km: float) -> None:
        last = path[-1]
        here = last.destination
        if here.iata_code in self.destination_codes:
            self._accept(path)
            return
        if len(path) > self.query.max_connections:
            return
        if flown_km + self.remaining_km(here) > budget_km:
            return
        visited = self.origin_codes | {f.destination.iata_code for f in path}
        final_leg = len(path) == self.query.max_connections
        for following in self._connections(last, final_leg=final_leg):
            if not self._tick():
                return
            if following.destination.iata_code in visited:
                continue
            if not (
                compatible(last.airline, following.airline) and self._airline_allowed(following)
            ):
                continue
            layover = following.departure_minute - last.arrival_minute
            if layover < self.rules.minimum_connecting_minutes(last, following):
                continue
            self._extend((*path, following), flown_km + following.pattern.distance_km, budget_km)

    def _connections(self, arriving: Flight, *, final_leg: bool) -> Iterator[Flight]:
        """Flights leaving the arrival airport between the shortest MCT and the max layover."""
        earliest = arriving.arrival_minute + self.rules.shortest_connection_minutes
        latest = arriving.arrival_minute + self.rules.max_layover_minutes
        first_day = arriving.arriving_at.date()
        last_day = (arriving.arriving_at + timedelta(minutes=self.rules.max_layover_minutes)).date()
        day = first_day
        while day <= last_day:
            board = self.network.board(arriving.destination.iata_code, day)
            if final_leg:
                for code in self.destination_order:
                    for flight in board.by_destination.get(code, ()):
                        if earliest <= flight.departure_minute <= latest:
                            yield flight
            else:
                start = bisect_left(board.departure_minutes, earliest)
                stop = bisect_right(board.departure_minutes, latest)
                yield from board.flights[start:stop]
            day += timedelta(days=1)

    def _accept(self, path: tuple[Flight, ...]) -> None:
        window = self.query.arrival_time
        if window is not None and not window.contains(path[-1].arriving_at):
            return
        itinerary = Itinerary(path)
        self.found.setdefault(itinerary.key, itinerary)
