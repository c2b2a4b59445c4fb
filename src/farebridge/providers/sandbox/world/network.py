"""The sandbox timetable: deterministic schedule patterns for a seed.

``build_network`` takes the real route network (``routes.py``), how often each
route is flown (``frequencies.py``) and turns them into schedule patterns
(``timetable.py``). A year of schedule is never a year of rows: patterns are local departure
times on weekdays, and flights are materialised per origin and local date on
demand (day boards, in a cache bounded by the number of flights it holds), or
one at a time (``Network.flight``). The connection search reads the patterns
through its own compact index (``search/index.py``) and materialises only the
flights it returns. The same seed always gives the same patterns.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from farebridge.domain.places import PlaceDirectory
from farebridge.providers.sandbox.world.airlines import Airline
from farebridge.providers.sandbox.world.cache import cached_patterns
from farebridge.providers.sandbox.world.frequencies import (
    weekly_frequencies,
)
from farebridge.providers.sandbox.world.routes import AirlineRoute, RouteNetwork, route_network
from farebridge.providers.sandbox.world.schedule import (
    EVERY_DAY,
    SCHEDULE_DAYS,
    Flight,
    SchedulePattern,
    block_minutes,
    materialise,
)
from farebridge.providers.sandbox.world.timetable import build_patterns

__all__ = [
    "EVERY_DAY",
    "SCHEDULE_DAYS",
    "DayBoard",
    "Flight",
    "Network",
    "SchedulePattern",
    "block_minutes",
    "build_network",
    "cached_network",
    "materialise",
]

DEFAULT_CACHED_BOARDS = 8192
DEFAULT_CACHED_FLIGHTS = 200_000


@dataclass(frozen=True, slots=True)
class DayBoard:
    """The flights leaving one airport on one local date, sorted by departure."""

    flights: tuple[Flight, ...]
    departure_minutes: tuple[int, ...]
    by_destination: dict[str, tuple[Flight, ...]]


class Network:
    """Schedule patterns indexed by origin, with a bounded cache of day boards."""

    def __init__(
        self,
        patterns: Iterable[SchedulePattern],
        *,
        seed: int,
        scale: str = "custom",
        cache_size: int = DEFAULT_CACHED_BOARDS,
        cached_flights: int = DEFAULT_CACHED_FLIGHTS,
    ) -> None:
        self.seed = seed
        self.scale = scale
        self._patterns = tuple(patterns)
        by_origin: dict[str, list[SchedulePattern]] = {}
        for pattern in self._patterns:
            by_origin.setdefault(pattern.origin.iata_code, []).append(pattern)
        self._by_origin = {
            code: tuple(sorted(items, key=_departure_order)) for code, items in by_origin.items()
        }
        self._by_designator = {pattern.designator: pattern for pattern in self._patterns}
        if len(self._by_designator) != len(self._patterns):
            raise ValueError("flight designators must be unique")
        self._airlines = {p.airline.iata_code: p.airline for p in self._patterns}
        self._boards: OrderedDict[tuple[str, date], DayBoard] = OrderedDict()
        self._cache_size = cache_size
        self._cached_flights_limit = cached_flights
        self._cached_flights = 0
        self._lock = threading.Lock()

    @property
    def patterns(self) -> tuple[SchedulePattern, ...]:
        return self._patterns

    def seller(self, code: str) -> Airline | None:
        """An airline that sells flights of this network, by code."""
        return self._airlines.get(code)

    def airports(self) -> frozenset[str]:
        destinations = {p.destination.iata_code for p in self._patterns}
        return frozenset(self._by_origin) | destinations

    def flights_per_day(self) -> float:
        """Flights a day, averaged over a week."""
        return sum(len(p.weekdays) for p in self._patterns) / 7

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
            if key not in self._boards:
                self._boards[key] = board
                self._cached_flights += len(board.flights)
            self._evict()
        return board

    def _evict(self) -> None:
        while len(self._boards) > 1 and (
            len(self._boards) > self._cache_size
            or self._cached_flights > self._cached_flights_limit
        ):
            _, evicted = self._boards.popitem(last=False)
            self._cached_flights -= len(evicted.flights)

    def cached_boards(self) -> tuple[int, int]:
        """How many day boards, and flights in them, the cache holds."""
        with self._lock:
            return len(self._boards), self._cached_flights

    def flights_from(self, origin: str, on: date) -> tuple[Flight, ...]:
        return self.board(origin, on).flights


def _departure_order(pattern: SchedulePattern) -> tuple[int, str, int]:
    return pattern.departure_minute, pattern.airline.iata_code, pattern.number


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


def build_network(
    places: PlaceDirectory,
    *,
    seed: int,
    target_flights_per_day: int | None = None,
) -> Network:
    """The world's schedule patterns for ``seed`` (the same arguments, the same network).

    ``target_flights_per_day`` builds a network of about that size for benchmarks
    (``resize``)."""
    network = route_network(places)
    weekly = weekly_frequencies(network)
    routes = list(network.routes)
    name = "world"
    if target_flights_per_day is not None:
        routes, weekly = resize(network, weekly, target_flights_per_day)
        name = f"{target_flights_per_day}/day"
    patterns = build_patterns(routes, weekly, seed=seed)
    return Network(patterns, seed=seed, scale=name)


def resize(
    network: RouteNetwork, weekly: Sequence[int], target_flights_per_day: int
) -> tuple[list[AirlineRoute], list[int]]:
    """The routes and frequencies of a network of about ``target_flights_per_day``: the
    same routes, each flown proportionally more or less often (at least once a week)."""
    if target_flights_per_day <= 0:
        raise ValueError("target_flights_per_day must be positive")
    routes = list(network.routes)
    factor = target_flights_per_day / (2 * sum(weekly) / 7)
    return routes, [max(1, round(w * factor)) for w in weekly]


def cached_network(places: PlaceDirectory, seed: int, cache_dir: Path | None = None) -> Network:
    """One network per directory and seed for the whole process; with a ``cache_dir``,
    read from (or written to) the disk cache of ``cache.py``."""
    return _cached_network(places, seed, cache_dir)


@cache
def _cached_network(places: PlaceDirectory, seed: int, cache_dir: Path | None) -> Network:
    def build() -> Sequence[SchedulePattern]:
        return build_network(places, seed=seed).patterns

    return Network(cached_patterns(places, seed, cache_dir, build), seed=seed, scale="world")
