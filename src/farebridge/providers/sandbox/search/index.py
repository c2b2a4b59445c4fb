"""A compact, date-independent index of the schedule patterns for the connection search.

Airports, airlines and interline families (an alliance, or an airline on its
own: ``airlines.interline_family``) become small integers. A *row* is a pattern
in one family that sells it: most patterns have one row; a regional airline
that interlines with the alliances (``airlines.sold_in``) has one per family.
Rows are grouped into *routes*, one per (origin, destination, family), and stored in
flat tuples sorted by route and local departure minute, so the flights of a
route on any date are a ``bisect`` away: a pattern's instant on a date is its
local minute shifted by the origin's UTC offset that day (``local_time.py``),
and its weekday is one bit of a mask. ``out`` and ``into`` say which routes
leave from and arrive at an airport in a family; the search intersects them
to find the airports through which two connections can work at all.

Built once per network (about a second per 100,000 flights a day) and kept
beside it; nothing here depends on a date.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from typing import TypedDict
from weakref import WeakKeyDictionary

from farebridge.domain.places import Airport
from farebridge.providers.sandbox.world.airlines import sold_in
from farebridge.providers.sandbox.world.local_time import ZoneClock, zone_clock
from farebridge.providers.sandbox.world.network import Network
from farebridge.providers.sandbox.world.schedule import SchedulePattern


@dataclass(frozen=True, slots=True)
class Route:
    """The patterns from one airport to another within one family: rows ``start:end``."""

    origin: int
    destination: int
    family: int
    start: int
    end: int
    distance_km: float
    shortest_block: int


@dataclass(frozen=True, slots=True)
class SearchIndex:
    patterns: tuple[SchedulePattern, ...]
    airports: tuple[Airport, ...]
    airport_ids: dict[str, int]
    countries: tuple[int, ...]  # a country number per airport
    clocks: tuple[ZoneClock, ...]  # per airport
    families_from: tuple[tuple[int, ...], ...]  # per airport: families that leave it
    routes: tuple[Route, ...]
    out: dict[int, dict[int, int]]  # airport * families + family -> {destination: route}
    into: dict[int, dict[int, int]]  # airport * families + family -> {origin: route}
    family_count: int
    family_names: tuple[str, ...]  # by family number
    airline_codes: tuple[str, ...]  # per airline number
    # rows a partner sells under a flight number of its own (a codeshare): partner → rows
    codeshared: dict[str, frozenset[int]]
    # one row per pattern, sorted by route then local departure minute
    minute: tuple[int, ...]
    block: tuple[int, ...]
    weekdays: tuple[int, ...]  # bit d set: operates on weekday d
    airline: tuple[int, ...]
    pattern: tuple[int, ...]  # index into ``patterns``
    arrives: tuple[int, ...]  # the airport the row's flight lands at
    row_family: tuple[int, ...]  # the family the row sells the flight in
    native: tuple[bool, ...]  # the flight's seller belongs to that family (not interlining)
    rank: tuple[int, ...]  # the designator's place among all designators
    # every block time is at least block_floor + minutes_per_km * distance
    block_floor: float
    minutes_per_km: float

    def slot(self, airport: int, family: int) -> int:
        return airport * self.family_count + family

    def block_lower_bound(self, distance_km: float, *, legs: int) -> float:
        """A lower bound on the blocks of ``legs`` flights covering ``distance_km``."""
        floor = self.block_floor if self.block_floor >= 0 else legs * self.block_floor
        return floor + self.minutes_per_km * distance_km


class _Rows(TypedDict):
    arrives: tuple[int, ...]
    row_family: tuple[int, ...]
    native: tuple[bool, ...]
    minute: tuple[int, ...]
    block: tuple[int, ...]
    weekdays: tuple[int, ...]
    airline: tuple[int, ...]
    pattern: tuple[int, ...]
    rank: tuple[int, ...]


class _BlockBounds(TypedDict):
    block_floor: float
    minutes_per_km: float


@cache
def _mask(days: frozenset[int]) -> int:
    return sum(1 << day for day in days)


def _families_by_airline(patterns: Sequence[SchedulePattern]) -> dict[str, tuple[str, ...]]:
    """``sold_in`` of every seller, worked out once per airline: its own family first."""
    sellers = {p.airline.iata_code: p.airline for p in patterns}
    return {code: sold_in(airline) for code, airline in sellers.items()}


def build_search_index(network: Network) -> SearchIndex:
    """Index ``network``'s patterns (see the module docstring)."""
    patterns = network.patterns
    airports = _airports(patterns)
    ids = {airport.iata_code: number for number, airport in enumerate(airports)}
    sold = _families_by_airline(patterns)
    families = _numbered(family for names in sold.values() for family in names)
    airline_codes = tuple(sorted(sold))
    ranks = _ranks(patterns)
    ends = [(ids[p.origin.iata_code], ids[p.destination.iata_code]) for p in patterns]
    # a row is a pattern in one family it is sold in (most patterns: one row)
    entries = [
        (number, families[family])
        for number, pattern in enumerate(patterns)
        for family in sold[pattern.airline.iata_code]
    ]

    def row_order(entry: tuple[int, int]) -> tuple[int, int, int, int, int]:
        number = entry[0]
        origin, destination = ends[number]
        return origin, destination, entry[1], patterns[number].departure_minute, ranks[number]

    order = sorted(entries, key=row_order)
    routes = _routes(patterns, order, ends)
    countries = _numbered(a.country_code for a in airports)
    return SearchIndex(
        patterns=patterns,
        airports=airports,
        airport_ids=ids,
        countries=tuple(countries[a.country_code] for a in airports),
        clocks=tuple(zone_clock(a.time_zone) for a in airports),
        families_from=_families_from(routes, len(airports)),
        routes=tuple(routes),
        out=_adjacency(routes, len(families), outbound=True),
        into=_adjacency(routes, len(families), outbound=False),
        family_count=len(families),
        family_names=tuple(sorted(families, key=families.__getitem__)),
        airline_codes=airline_codes,
        codeshared=_codeshared(patterns, order),
        **_rows(patterns, order, ranks, airline_codes, ends, sold, tuple(sorted(families))),
        **_block_bounds(patterns),
    )


def _airports(patterns: Sequence[SchedulePattern]) -> tuple[Airport, ...]:
    """Every airport of the patterns, by code."""
    by_code = {p.origin.iata_code: p.origin for p in patterns}
    by_code.update({p.destination.iata_code: p.destination for p in patterns})
    return tuple(by_code[code] for code in sorted(by_code))


def _numbered(names: Iterable[str]) -> dict[str, int]:
    return {name: number for number, name in enumerate(sorted(set(names)))}


def _rows(
    patterns: Sequence[SchedulePattern],
    order: list[tuple[int, int]],
    ranks: list[int],
    airline_codes: tuple[str, ...],
    ends: list[tuple[int, int]],
    sold: dict[str, tuple[str, ...]],
    family_names: tuple[str, ...],
) -> _Rows:
    """The per-row columns of the index, rows (pattern, family) in ``order``."""
    airline_ids = {code: number for number, code in enumerate(airline_codes)}
    own = [sold[p.airline.iata_code][0] for p in patterns]
    return {
        "arrives": tuple(ends[i][1] for i, _ in order),
        "minute": tuple(patterns[i].departure_minute for i, _ in order),
        "block": tuple(patterns[i].block_minutes for i, _ in order),
        "weekdays": tuple(_mask(patterns[i].weekdays) for i, _ in order),
        "airline": tuple(airline_ids[patterns[i].airline.iata_code] for i, _ in order),
        "pattern": tuple(i for i, _ in order),
        "rank": tuple(ranks[i] for i, _ in order),
        "row_family": tuple(family for _, family in order),
        "native": tuple(own[i] == family_names[family] for i, family in order),
    }


def _codeshared(
    patterns: Sequence[SchedulePattern], order: list[tuple[int, int]]
) -> dict[str, frozenset[int]]:
    """Each codeshare partner's rows: the flights it sells but another airline does."""
    rows: dict[str, set[int]] = {}
    for row, (number, _) in enumerate(order):
        for partner, _ in patterns[number].codeshares:
            rows.setdefault(partner.iata_code, set()).add(row)
    return {code: frozenset(found) for code, found in rows.items()}


def _ranks(patterns: Sequence[SchedulePattern]) -> list[int]:
    designators = [p.designator for p in patterns]
    place = {d: n for n, d in enumerate(sorted(designators))}
    return [place[d] for d in designators]


def _routes(
    patterns: Sequence[SchedulePattern], order: list[tuple[int, int]], ends: list[tuple[int, int]]
) -> list[Route]:
    def key(entry: tuple[int, int]) -> tuple[int, int, int]:
        origin, destination = ends[entry[0]]
        return origin, destination, entry[1]

    routes: list[Route] = []
    start = 0
    for (origin, destination, family), rows in groupby(order, key=key):
        members = [patterns[i] for i, _ in rows]
        if len({p.distance_km for p in members}) != 1:
            raise ValueError(f"patterns of one route differ in distance: {members[0].designator}")
        shortest = min(p.block_minutes for p in members)
        end = start + len(members)
        routes.append(
            Route(origin, destination, family, start, end, members[0].distance_km, shortest)
        )
        start = end
    return routes


def _families_from(routes: Sequence[Route], airport_count: int) -> tuple[tuple[int, ...], ...]:
    families: list[set[int]] = [set() for _ in range(airport_count)]
    for route in routes:
        families[route.origin].add(route.family)
    return tuple(tuple(sorted(items)) for items in families)


def _adjacency(
    routes: Sequence[Route], family_count: int, *, outbound: bool
) -> dict[int, dict[int, int]]:
    table: dict[int, dict[int, int]] = {}
    for number, route in enumerate(routes):
        here, there = (
            (route.origin, route.destination) if outbound else (route.destination, route.origin)
        )
        table.setdefault(here * family_count + route.family, {})[there] = number
    return table


def _block_bounds(patterns: Sequence[SchedulePattern]) -> _BlockBounds:
    if not patterns:
        return {"block_floor": 0.0, "minutes_per_km": 0.0}
    fastest = max(p.aircraft.cruise_kmh for p in patterns)
    per_km = 60 / fastest
    floor = min(p.block_minutes - per_km * p.distance_km for p in patterns)
    return {"block_floor": floor - 1e-6, "minutes_per_km": per_km}


_INDEXES: WeakKeyDictionary[Network, SearchIndex] = WeakKeyDictionary()
_LOCK = threading.Lock()


def search_index(network: Network) -> SearchIndex:
    """The index of ``network``, built on first use and kept as long as the network."""
    with _LOCK:
        index = _INDEXES.get(network)
    if index is None:
        index = build_search_index(network)
        with _LOCK:
            index = _INDEXES.setdefault(network, index)
    return index
