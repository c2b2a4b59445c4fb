"""From the route plan to schedule patterns: frequencies, times, aircraft, flight numbers.

Frequencies follow airport size: a route's weight is
``size_a * size_b * kind / (1 + km / 4000)``; one factor, found by
bisection, turns weights into flights a week (each kind between its own
minimum and maximum) so that the network flies the scale's flights a day.
Seven flights a week make a daily pattern; the rest fly on some weekdays.

Full-service airlines fly hub-and-spoke: departures from a hub leave in one of
its seven banks (a wave every 2.5 hours from about 06:30), arriving at a civil
hour; flights back to the hub arrive 30-80 minutes before a bank, so they feed
it; between two of the airline's hubs both ends are banked. Low-cost airlines
leave their bases at any time of day that brings the aircraft back the same
evening. Block times come from the great-circle distance and the aircraft.
Each airline draws from its own ``random.Random``: the same seed, the same
patterns.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from functools import cache

from farebridge.domain.places import Airport
from farebridge.providers.sandbox.world.aircraft import AIRCRAFT_TYPES, AircraftType
from farebridge.providers.sandbox.world.reference import Airline
from farebridge.providers.sandbox.world.routes import PlannedRoute, RouteKind
from farebridge.providers.sandbox.world.schedule import (
    EVERY_DAY,
    SchedulePattern,
    block_minutes,
    zone,
)

BANKS_PER_DAY = 7
BANK_SPACING_MINUTES = 150
_REFERENCE_DAY = date(2026, 1, 15)  # UTC offsets used to align arrivals with banks
_EARLIEST_DEPARTURE, _LATEST_DEPARTURE = 6 * 60, 23 * 60 + 30
_EARLIEST_ARRIVAL = 5 * 60
_TURNAROUND = 35  # minutes a low-cost aircraft spends on the ground at the far end
_LOW_COST_STARTS = range(_EARLIEST_DEPARTURE, 21 * 60, 5)
_KIND_WEIGHT = {
    RouteKind.TRUNK: 2.0,
    RouteKind.MAINLINE: 0.8,
    RouteKind.REGIONAL: 1.0,
    RouteKind.POINT_TO_POINT: 1.0,
}
# Flights a week per direction: at least, at most (long-haul: at most 3 a day).
_WEEKLY_BOUNDS = {
    RouteKind.TRUNK: (7, 7 * 24),
    RouteKind.MAINLINE: (4, 7 * 16),
    RouteKind.REGIONAL: (3, 7 * 8),
    RouteKind.POINT_TO_POINT: (2, 7 * 6),
}
_LONG_HAUL_MAX_WEEKLY = 7 * 3
# Flight numbers: long-haul 1-999, mainline 1000-5999, regional 6000-9999; a full range
# borrows from the others, and only past 9,999 patterns an airline goes to 5 digits (only
# synthetic scales beyond the real world get there).
_NUMBER_RANGES = {"long_haul": (1, 1000), "mainline": (1000, 6000), "regional": (6000, 10_000)}
_OVERFLOW_START = 10_001


def _weight(route: PlannedRoute, sizes: dict[str, float]) -> float:
    product = sizes.get(route.hub.iata_code, 1.0) * sizes.get(route.other.iata_code, 1.0)
    return product * _KIND_WEIGHT[route.kind] / (1 + route.distance_km / 4000)


def _bounds(route: PlannedRoute) -> tuple[int, int]:
    low, high = _WEEKLY_BOUNDS[route.kind]
    return (low, min(high, _LONG_HAUL_MAX_WEEKLY)) if route.is_long_haul else (low, high)


def weekly_frequencies(
    routes: Sequence[PlannedRoute], sizes: dict[str, float], flights_per_day: int
) -> list[int]:
    """Flights a week per direction for each route, scaled to ``flights_per_day`` overall."""
    weights = [_weight(route, sizes) for route in routes]
    pairs = list(zip(weights, [_bounds(route) for route in routes], strict=True))

    def weekly(factor: float) -> list[int]:
        return [min(max(round(factor * w), low), high) for w, (low, high) in pairs]

    def total(factor: float) -> int:
        return sum(min(max(round(factor * w), low), high) for w, (low, high) in pairs)

    target = flights_per_day * 7 / 2  # two directions
    low_factor, high_factor = 0.0, 1.0
    while total(high_factor) < target and high_factor < 1e6:
        high_factor *= 2
    for _ in range(20):
        middle = (low_factor + high_factor) / 2
        low_factor, high_factor = (
            (middle, high_factor) if total(middle) < target else (low_factor, middle)
        )
    return weekly(high_factor)


def offset_minutes(airport: Airport) -> int:
    """The airport's UTC offset on a reference day, to line arrivals up with banks."""
    return _zone_offset_minutes(airport.time_zone)


@cache
def _zone_offset_minutes(name: str) -> int:
    noon = datetime.combine(_REFERENCE_DAY, time(12), tzinfo=zone(name))
    offset = noon.utcoffset()
    return int(offset.total_seconds()) // 60 if offset else 0


class _Numbers:
    """Flight numbers of one airline: odd outbound, even return, unique."""

    def __init__(self) -> None:
        self.next = {kind: start for kind, (start, _) in _NUMBER_RANGES.items()}
        self.overflow = _OVERFLOW_START

    def pair(self, kind: str) -> tuple[int, int]:
        for candidate in (kind, *_NUMBER_RANGES):
            number = self.next[candidate]
            if number + 1 < _NUMBER_RANGES[candidate][1]:
                self.next[candidate] = number + 2
                return number, number + 1
        number, self.overflow = self.overflow, self.overflow + 2
        return number, number + 1


class AirlineTimetable:
    """Turns one airline's routes and frequencies into schedule patterns."""

    def __init__(self, carrier: Airline, *, seed: int) -> None:
        self.airline = carrier
        self.rng = random.Random(f"farebridge-sandbox:{seed}:{carrier.iata_code}")
        self.fleet = [AIRCRAFT_TYPES[key] for key in carrier.fleet]
        self.numbers = _Numbers()
        self.banks: dict[str, list[int]] = {
            code: self._banks() for code in carrier.hubs if not carrier.is_low_cost
        }
        # A bank's departures leave within 50 minutes of its start; arrivals feeding
        # it land 30-80 minutes before.
        self.departure_waves = {
            code: [(bank + offset) % 1440 for bank in banks for offset in range(0, 50, 5)]
            for code, banks in self.banks.items()
        }
        self.arrival_waves = {
            code: [bank - offset for bank in banks for offset in range(30, 85, 5)]
            for code, banks in self.banks.items()
        }
        self.weekday_sets: dict[tuple[int, ...], frozenset[int]] = {}

    def _banks(self) -> list[int]:
        shift = self.rng.randrange(0, 45, 5)
        return [6 * 60 + 30 + shift + BANK_SPACING_MINUTES * i for i in range(BANKS_PER_DAY)]

    def patterns(self, route: PlannedRoute, weekly: int) -> Iterator[SchedulePattern]:
        aircraft = self._aircraft(route)
        if aircraft is None:
            return
        daily, extra = divmod(weekly, 7)
        days = [EVERY_DAY] * daily + ([self._some_days(extra)] if extra else [])
        block = block_minutes(route.distance_km, aircraft)
        outbound = self._outbound_departures(route.hub, route.other, block, len(days))
        returns = self._return_departures(route, block, outbound)
        kind = self._number_kind(route)
        for out_minute, back_minute, weekdays in zip(outbound, returns, days, strict=False):
            numbers = self.numbers.pair(kind)
            legs = ((route.hub, route.other, out_minute), (route.other, route.hub, back_minute))
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

    def _some_days(self, count: int) -> frozenset[int]:
        chosen = tuple(sorted(self.rng.sample(range(7), count)))
        return self.weekday_sets.setdefault(chosen, frozenset(chosen))

    def _number_kind(self, route: PlannedRoute) -> str:
        if route.is_long_haul:
            return "long_haul"
        return "regional" if route.kind is RouteKind.REGIONAL else "mainline"

    def _aircraft(self, route: PlannedRoute) -> AircraftType | None:
        able = [a for a in self.fleet if a.range_km >= route.distance_km]
        if route.is_long_haul or not any(not a.is_widebody for a in able):
            pool = [a for a in able if a.is_widebody] or able
        elif route.kind is RouteKind.REGIONAL and any(a.is_regional for a in able):
            pool = [a for a in able if a.is_regional]
            if route.distance_km > 600:
                pool = [a for a in pool if not a.is_turboprop] or pool
        else:
            pool = [a for a in able if not a.is_widebody and not a.is_regional]
            pool = pool or [a for a in able if not a.is_widebody]
            if route.distance_km > 900 and len(pool) > 1:
                pool = [a for a in pool if a.range_km > 4_000] or pool
        return self.rng.choice(pool) if pool else None

    def _outbound_departures(
        self, hub: Airport, other: Airport, block: int, count: int
    ) -> list[int]:
        """Departures from a hub in its banks, arriving at a civil hour; low-cost
        departures any time of day that brings the aircraft back the same evening."""
        shift = offset_minutes(other) - offset_minutes(hub)
        if self.airline.is_low_cost:
            latest = min(21 * 60 - 5, _LATEST_DEPARTURE - block - shift - _TURNAROUND)
            same_day = range(_EARLIEST_DEPARTURE, latest + 1, 5)
            starts = same_day if len(same_day) >= count else _LOW_COST_STARTS
            return sorted(self.rng.sample(starts, min(count, len(starts))))
        waves = self.departure_waves[hub.iata_code]
        civil = [m for m in waves if (m + block + shift) % 1440 >= _EARLIEST_ARRIVAL]
        pool = civil if len(civil) >= count else waves
        return sorted(self.rng.sample(pool, min(count, len(pool))))

    def _return_departures(self, route: PlannedRoute, block: int, outbound: list[int]) -> list[int]:
        """Returns that feed the hub's banks, or that turn the aircraft round."""
        if route.other.iata_code in self.banks:
            return self._outbound_departures(route.other, route.hub, block, len(outbound))
        shift = offset_minutes(route.hub) - offset_minutes(route.other)
        if self.airline.is_low_cost:
            return [(m + block - shift + _TURNAROUND) % 1440 for m in outbound]
        lead = block + shift
        departures = [
            (arrival - lead) % 1440 for arrival in self.arrival_waves[route.hub.iata_code]
        ]
        civil = [m for m in departures if _EARLIEST_DEPARTURE <= m <= _LATEST_DEPARTURE]
        pool = civil if len(civil) >= len(outbound) else departures
        return sorted(self.rng.sample(pool, min(len(outbound), len(pool))))


def build_patterns(
    routes: Sequence[PlannedRoute], sizes: dict[str, float], *, seed: int, flights_per_day: int
) -> list[SchedulePattern]:
    """Every route's patterns, airline by airline in reference order."""
    weekly = weekly_frequencies(routes, sizes, flights_per_day)
    builders: dict[str, AirlineTimetable] = {}
    patterns: list[SchedulePattern] = []
    for route, count in zip(routes, weekly, strict=True):
        code = route.airline.iata_code
        builder = builders.get(code) or builders.setdefault(
            code, AirlineTimetable(route.airline, seed=seed)
        )
        patterns.extend(builder.patterns(route, count))
    return patterns
