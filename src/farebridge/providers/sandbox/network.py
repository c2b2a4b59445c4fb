"""The sandbox timetable: deterministic schedule patterns for a seed.

Full-service airlines fly hub-and-spoke: every destination is served from the
main hub (and, by chance, from other hubs), trunk routes several times a day,
departures grouped in hub banks and arrivals timed to feed them. Low-cost
airlines fly point to point between their bases and destinations, turning the
aircraft round at once. A pattern is a local departure time on some weekdays;
flights are materialised per origin and local date on demand, so any date
works (the bookable horizon is enforced elsewhere). The same seed always
gives the same patterns: each airline draws from its own ``random.Random``.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from farebridge.domain.places import Airport, PlaceDirectory, great_circle_km
from farebridge.providers.sandbox.aircraft import AIRCRAFT_TYPES, AircraftType
from farebridge.providers.sandbox.reference import AIRLINES, Airline

SCHEDULE_DAYS = 330  # how far ahead the sandbox sells; patterns themselves never end
CRUISE_KMH = 860
TAXI_AND_CLIMB_MINUTES = 40
EVERY_DAY = frozenset(range(7))
_REFERENCE_DAY = date(2026, 1, 15)  # UTC offsets used to align arrivals with hub banks
_EARLIEST_DEPARTURE, _LATEST_DEPARTURE = 6 * 60, 23 * 60 + 30
_EARLIEST_ARRIVAL = 5 * 60
_TURNAROUND = 35  # minutes a low-cost aircraft spends on the ground at the far end
_LONG_HAUL_KM = 4_000
_LOW_COST_MAX_KM = 3_500
_TRUNK_AIRPORTS = frozenset(code for airline in AIRLINES for code in airline.hubs)


@dataclass(frozen=True, slots=True)
class SchedulePattern:
    airline: Airline
    number: int
    origin: Airport
    destination: Airport
    departure_minute: int  # local minutes after midnight at the origin
    block_minutes: int
    aircraft: AircraftType
    weekdays: frozenset[int]  # date.weekday() values the flight operates on
    distance_km: float

    @property
    def designator(self) -> str:
        return f"{self.airline.iata_code}{self.number}"

    @property
    def departure_time(self) -> time:
        return time(self.departure_minute // 60, self.departure_minute % 60)

    def operates_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays


@dataclass(frozen=True, slots=True)
class Flight:
    """A pattern on one local departure date; times are aware, in each airport's zone."""

    pattern: SchedulePattern
    departure_on: date
    departing_at: datetime
    arriving_at: datetime
    departure_minute: int  # minutes since the Unix epoch (UTC), for fast comparisons
    arrival_minute: int

    @property
    def designator(self) -> str:
        return self.pattern.designator

    @property
    def airline(self) -> Airline:
        return self.pattern.airline

    @property
    def origin(self) -> Airport:
        return self.pattern.origin

    @property
    def destination(self) -> Airport:
        return self.pattern.destination


@dataclass(frozen=True, slots=True)
class DayBoard:
    """The flights leaving one airport on one local date, sorted by departure."""

    flights: tuple[Flight, ...]
    departure_minutes: tuple[int, ...]
    by_destination: dict[str, tuple[Flight, ...]]


def block_minutes(distance_km: float) -> int:
    """Gate-to-gate time: taxi and climb plus cruise, rounded to 5 minutes."""
    minutes = TAXI_AND_CLIMB_MINUTES + distance_km / CRUISE_KMH * 60
    return 5 * round(minutes / 5)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def materialise(pattern: SchedulePattern, departure_on: date) -> Flight:
    """The flight of ``pattern`` leaving on local date ``departure_on``."""
    origin_zone = _zone(pattern.origin.time_zone)
    local = datetime.combine(departure_on, pattern.departure_time, tzinfo=origin_zone)
    departure_utc = local.astimezone(UTC)
    arrival_utc = departure_utc + timedelta(minutes=pattern.block_minutes)
    departure_minute = int(departure_utc.timestamp()) // 60
    return Flight(
        pattern=pattern,
        departure_on=departure_on,
        departing_at=departure_utc.astimezone(origin_zone),  # normalises DST gaps
        arriving_at=arrival_utc.astimezone(_zone(pattern.destination.time_zone)),
        departure_minute=departure_minute,
        arrival_minute=departure_minute + pattern.block_minutes,
    )


class Network:
    """Schedule patterns indexed by origin, with a bounded cache of day boards."""

    def __init__(
        self, patterns: Iterable[SchedulePattern], *, seed: int, cache_size: int = 8192
    ) -> None:
        self.seed = seed
        self._patterns = tuple(patterns)
        by_origin: dict[str, list[SchedulePattern]] = {}
        for pattern in self._patterns:
            by_origin.setdefault(pattern.origin.iata_code, []).append(pattern)
        self._by_origin = {
            code: tuple(sorted(items, key=lambda p: (p.departure_minute, p.designator)))
            for code, items in by_origin.items()
        }
        self._by_designator = {pattern.designator: pattern for pattern in self._patterns}
        if len(self._by_designator) != len(self._patterns):
            raise ValueError("flight designators must be unique")
        self._boards: OrderedDict[tuple[str, date], DayBoard] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @property
    def patterns(self) -> tuple[SchedulePattern, ...]:
        return self._patterns

    def airports(self) -> frozenset[str]:
        destinations = {p.destination.iata_code for p in self._patterns}
        return frozenset(self._by_origin) | destinations

    def patterns_from(self, origin: str) -> tuple[SchedulePattern, ...]:
        return self._by_origin.get(origin, ())

    def pattern(self, designator: str) -> SchedulePattern | None:
        return self._by_designator.get(designator)

    def flight(self, designator: str, departure_on: date) -> Flight | None:
        """The flight ``designator`` leaving on ``departure_on``, if it operates that day."""
        pattern = self._by_designator.get(designator)
        if pattern is None or not pattern.operates_on(departure_on):
            return None
        return materialise(pattern, departure_on)

    def board(self, origin: str, on: date) -> DayBoard:
        """The flights leaving ``origin`` on local date ``on`` (cached, thread-safe)."""
        key = (origin, on)
        with self._lock:
            board = self._boards.get(key)
            if board is not None:
                self._boards.move_to_end(key)
                return board
        board = _build_board(self.patterns_from(origin), on)
        with self._lock:
            self._boards[key] = board
            if len(self._boards) > self._cache_size:
                self._boards.popitem(last=False)
        return board

    def flights_from(self, origin: str, on: date) -> tuple[Flight, ...]:
        return self.board(origin, on).flights


def _build_board(patterns: Sequence[SchedulePattern], on: date) -> DayBoard:
    flights = sorted(
        (materialise(p, on) for p in patterns if p.operates_on(on)),
        key=lambda f: (f.departure_minute, f.designator),
    )
    by_destination: dict[str, list[Flight]] = {}
    for flight in flights:
        by_destination.setdefault(flight.destination.iata_code, []).append(flight)
    return DayBoard(
        flights=tuple(flights),
        departure_minutes=tuple(f.departure_minute for f in flights),
        by_destination={code: tuple(items) for code, items in by_destination.items()},
    )


def build_network(places: PlaceDirectory, *, seed: int) -> Network:
    """Every airline's patterns for ``seed``; the same seed gives the same network."""
    patterns: list[SchedulePattern] = []
    for airline in AIRLINES:
        rng = random.Random(f"farebridge-sandbox:{seed}:{airline.iata_code}")
        builder = _AirlineBuilder(airline, places, rng)
        patterns.extend(builder.build())
    return Network(patterns, seed=seed)


@cache
def cached_network(places: PlaceDirectory, seed: int) -> Network:
    """One network per directory and seed for the whole process."""
    return build_network(places, seed=seed)


def _offset_minutes(airport: Airport) -> int:
    noon = datetime.combine(_REFERENCE_DAY, time(12), tzinfo=_zone(airport.time_zone))
    offset = noon.utcoffset()
    return int(offset.total_seconds()) // 60 if offset else 0


@dataclass(frozen=True, slots=True)
class _Route:
    hub: Airport  # the origin of the outbound flights: a hub or a base
    other: Airport
    distance_km: float
    banked_return: bool  # the return arrives in ``hub``'s banks (else it turns round)


class _AirlineBuilder:
    def __init__(self, airline: Airline, places: PlaceDirectory, rng: random.Random) -> None:
        self.airline = airline
        self.rng = rng
        self.hubs = [a for a in map(places.airport, airline.hubs) if a is not None]
        self.destinations = [
            a
            for a in map(places.airport, airline.destinations)
            if a is not None and a.iata_code not in airline.hubs
        ]
        self.max_range = max(AIRCRAFT_TYPES[key].range_km for key in airline.fleet)
        self.banks = {hub.iata_code: self._banks() for hub in self.hubs}
        self.long_haul_numbers: Iterator[int] = iter(range(1, 1000, 2))
        self.short_haul_numbers: Iterator[int] = iter(range(1001, 10_000, 2))

    def _banks(self) -> list[int]:
        shift = self.rng.randrange(0, 45, 5)
        return [6 * 60 + 30 + shift + 150 * index for index in range(7)]

    def build(self) -> list[SchedulePattern]:
        routes = self._low_cost_routes() if self.airline.is_low_cost else self._hub_routes()
        patterns: list[SchedulePattern] = []
        for route in sorted(routes, key=lambda r: -r.distance_km):
            patterns.extend(self._route_patterns(route))
        return patterns

    def _route(self, hub: Airport, other: Airport, *, banked_return: bool) -> _Route | None:
        distance = great_circle_km(hub, other)
        if distance > self.max_range or distance < 150:
            return None
        return _Route(hub, other, distance, banked_return)

    def _hub_routes(self) -> list[_Route]:
        routes = [
            self._route(first, second, banked_return=False)
            for index, first in enumerate(self.hubs)
            for second in self.hubs[index + 1 :]
        ]
        for destination in self.destinations:
            served = [
                r for hub in self.hubs if (r := self._route(hub, destination, banked_return=True))
            ]
            if served:
                routes.append(served[0])
                routes.extend(route for route in served[1:] if self.rng.random() < 0.35)
        return [route for route in routes if route is not None]

    def _low_cost_routes(self) -> list[_Route]:
        routes: list[_Route] = []
        for destination in self.destinations + self.hubs:
            served = [
                route
                for base in self.hubs
                if base.iata_code < destination.iata_code or destination not in self.hubs
                if (route := self._route(base, destination, banked_return=False))
                and route.distance_km <= _LOW_COST_MAX_KM
            ]
            chosen = [route for route in served if self.rng.random() < 0.55]
            if served and not chosen and destination not in self.hubs:
                chosen = [min(served, key=lambda r: r.distance_km)]
            routes.extend(chosen)
        return routes

    def _frequency(self, route: _Route) -> int:
        distance, rng = route.distance_km, self.rng
        if self.airline.is_low_cost:
            return rng.randint(1, 3) if distance < 1500 else rng.randint(1, 2)
        if distance < 1000:
            count = rng.randint(2, 5)
        elif distance < 3000:
            count = rng.randint(1, 3)
        else:
            count = rng.randint(1, 2) if distance < 7000 else 1
        if route.other.iata_code in _TRUNK_AIRPORTS:
            count += rng.randint(1, 2)
        return count

    def _weekdays(self, route: _Route) -> frozenset[int]:
        trunk = route.other.iata_code in _TRUNK_AIRPORTS
        chance = 0.4 if self.airline.is_low_cost else (0.25 if route.distance_km > 7000 else 0.0)
        if trunk or self.rng.random() >= chance:
            return EVERY_DAY
        return frozenset(self.rng.sample(range(7), self.rng.randint(3, 6)))

    def _aircraft(self, distance: float) -> AircraftType | None:
        fleet = [AIRCRAFT_TYPES[key] for key in self.airline.fleet]
        able = [a for a in fleet if a.range_km >= distance]
        if distance >= _LONG_HAUL_KM or not any(not a.is_widebody for a in able):
            pool = [a for a in able if a.is_widebody] or able
        else:
            pool = [a for a in able if not a.is_widebody]
            if distance > 900 and len(pool) > 1:
                pool = [a for a in pool if a.range_km > 4_000] or pool
        return self.rng.choice(pool) if pool else None

    def _numbers(self, distance: float) -> tuple[int, int]:
        numbers = self.long_haul_numbers if distance >= _LONG_HAUL_KM else iter(())
        outbound = next(numbers, None) or next(self.short_haul_numbers)
        return outbound, outbound + 1

    def _route_patterns(self, route: _Route) -> Iterator[SchedulePattern]:
        count = self._frequency(route)
        weekdays = self._weekdays(route)
        block = block_minutes(route.distance_km)
        outbound_times = self._outbound_departures(route, block, count)
        return_times = self._return_departures(route, block, outbound_times)
        for outbound_minute, return_minute in zip(outbound_times, return_times, strict=True):
            aircraft = self._aircraft(route.distance_km)
            if aircraft is None:
                return
            numbers = self._numbers(route.distance_km)
            legs = (
                (route.hub, route.other, outbound_minute),
                (route.other, route.hub, return_minute),
            )
            for number, (origin, destination, minute) in zip(numbers, legs, strict=True):
                yield SchedulePattern(
                    airline=self.airline,
                    number=number,
                    origin=origin,
                    destination=destination,
                    departure_minute=minute,
                    block_minutes=block,
                    aircraft=aircraft,
                    weekdays=weekdays,
                    distance_km=route.distance_km,
                )

    def _outbound_departures(self, route: _Route, block: int, count: int) -> list[int]:
        """Departures from the hub in its banks, arriving at a civil hour; low-cost
        departures any time of day that brings the aircraft back the same evening."""
        shift = _offset_minutes(route.other) - _offset_minutes(route.hub)
        if self.airline.is_low_cost:
            starts = range(_EARLIEST_DEPARTURE, 21 * 60, 5)
            same_day = [m for m in starts if m + block + shift + _TURNAROUND <= _LATEST_DEPARTURE]
            return sorted(self.rng.sample(same_day if len(same_day) >= count else starts, count))
        candidates = [
            bank + self.rng.randrange(0, 50, 5) for bank in self.banks[route.hub.iata_code]
        ]
        civil = [m for m in candidates if (m + block + shift) % 1440 >= _EARLIEST_ARRIVAL]
        pool = civil if len(civil) >= count else candidates
        return sorted(self.rng.sample(pool, min(count, len(pool))))

    def _return_departures(self, route: _Route, block: int, outbound: list[int]) -> list[int]:
        """Returns that feed the hub's banks, or that turn the aircraft round."""
        if not self.airline.is_low_cost and route.other.iata_code in self.banks:
            reverse = _Route(route.other, route.hub, route.distance_km, banked_return=False)
            return self._outbound_departures(reverse, block, len(outbound))
        shift = _offset_minutes(route.hub) - _offset_minutes(route.other)
        if not route.banked_return:
            turnaround = _TURNAROUND if self.airline.is_low_cost else 2 * _TURNAROUND
            return [(m + block - shift + turnaround) % 1440 for m in outbound]
        arrivals = [
            bank - self.rng.randrange(30, 80, 5) for bank in self.banks[route.hub.iata_code]
        ]
        departures = [(arrival - block - shift) % 1440 for arrival in arrivals]
        civil = [m for m in departures if _EARLIEST_DEPARTURE <= m <= _LATEST_DEPARTURE]
        pool = civil if len(civil) >= len(outbound) else departures
        return sorted(self.rng.sample(pool, len(outbound)))
