"""From routes and frequencies to schedule patterns: times, aircraft, flight numbers.

For each airline route and direction (``frequencies.py`` says how many flights a
week), every seventh flight is a daily pattern and the rest fly on some
weekdays. Departure times follow how airlines schedule:

- a flight leaves between 05:30 and 23:59 local time (long-haul flights also
  just after midnight) and lands between 05:30 and 00:30 local time;
- short flights favour the morning and evening peaks; long flights favour
  overnight departures that land in the morning (the transatlantic eastbound
  evening wave, Asia-Europe night flights, US transcontinental red-eyes), then
  daytime ones;
- at a hub of the selling airline, departures leave in its banks and arrivals
  land just before one (a bank every ``BANK_SPACING_MINUTES`` from about 06:30,
  shifted per airline and hub), so connections work;
- several flights a day on one route are spread over the day.

Aircraft: the route's listed types that have the range, taken in turn (several
types on busy routes; low-cost airlines fly the all-economy layouts); a route
without listed types gets a type for its distance. Block times add the jet
stream (``schedule.tailwind_kmh``): eastbound across the Atlantic is shorter.
Flight numbers: long-haul 1-999, mainline 1000-2999, regional 3000-5999,
codeshare numbers on partners' flights 6000-9999; odd one way, even back.
Each seller draws from its own ``random.Random``: the same seed, the same
patterns.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from functools import cache

from farebridge.domain.places import Airport
from farebridge.providers.sandbox.world.aircraft import AircraftType, aircraft_type
from farebridge.providers.sandbox.world.airlines import Airline
from farebridge.providers.sandbox.world.routes import AirlineRoute
from farebridge.providers.sandbox.world.schedule import (
    EVERY_DAY,
    SchedulePattern,
    block_minutes,
    tailwind_kmh,
    zone,
)

LONG_HAUL_KM = 4_000
BANK_SPACING_MINUTES = 120
BANK_WIDTH_MINUTES = 45
_REFERENCE_DAY = date(2026, 1, 15)  # UTC offsets used to line arrivals up with banks
_STEP = 5
_EARLIEST, _LATEST = 5 * 60 + 30, 24 * 60 - 5
_LATE_NIGHT = 2 * 60 + 30  # long-haul departures up to 02:30
_ARRIVAL_EARLIEST, _ARRIVAL_LATEST = 5 * 60 + 30, 24 * 60 + 30
_NUMBER_RANGES = {
    "long_haul": (1, 1000),
    "mainline": (1000, 3000),
    "regional": (3000, 6000),
    "codeshare": (6000, 10_000),
}
_OVERFLOW_START = 10_001
_OFF_BANK = 0.05
_WEEKDAY_SETS = {
    count: [frozenset(days) for days in itertools.combinations(range(7), count)]
    for count in range(1, 7)
}
# Aircraft for routes that list none, by distance.
_FALLBACK_TYPES = ((600, "AT7"), (1_500, "E90"), (4_500, "320"), (9_000, "333"), (20_000, "77W"))


@cache
def offset_minutes(zone_name: str) -> int:
    """A zone's UTC offset on a reference day, to line departures up with arrivals."""
    noon = datetime.combine(_REFERENCE_DAY, time(12), tzinfo=zone(zone_name))
    offset = noon.utcoffset()
    return int(offset.total_seconds()) // 60 if offset else 0


def shift_minutes(origin: Airport, destination: Airport) -> int:
    """How far the destination's clock is ahead of the origin's."""
    return offset_minutes(destination.time_zone) - offset_minutes(origin.time_zone)


def preference(departure: int, block: int, shift: int) -> float:
    """How much an airline wants a departure at local minute ``departure`` (0: never)."""
    arrival = departure + block + shift
    landing = arrival % 1440
    if landing < _ARRIVAL_EARLIEST and landing + 1440 > _ARRIVAL_LATEST:
        return 0.0
    long_haul = block >= 4 * 60
    late_night = departure < _LATE_NIGHT
    if late_night and not long_haul:
        return 0.0
    if departure < _EARLIEST and not late_night:
        return 0.0
    if long_haul:
        overnight = arrival >= 1440 and 5 * 60 + 30 <= landing <= 11 * 60
        if overnight and (departure >= 17 * 60 or late_night):
            return 1.0
        if late_night:
            return 0.02
        if 7 * 60 <= departure <= 15 * 60:
            return 0.15  # a few daytime long-haul flights (New York-London's day flights)
        return 0.05
    if 6 * 60 <= departure <= 9 * 60 + 30 or 16 * 60 <= departure <= 20 * 60 + 30:
        return 1.0
    if departure < 6 * 60 or departure > 22 * 60 + 30:
        return 0.15
    return 0.6 if departure <= 16 * 60 else 0.45


class _Numbers:
    """Flight numbers of one seller: unique, odd one way and even back."""

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


class _Seller:
    """The banks and flight numbers of one selling airline."""

    def __init__(self, airline: Airline, *, seed: int) -> None:
        self.airline = airline
        self.rng = random.Random(f"farebridge-sandbox:{seed}:{airline.iata_code}")
        self.numbers = _Numbers()
        self.hubs = frozenset(airline.hubs) if not airline.is_low_cost else frozenset()
        self.bank_shift = {hub: self.rng.randrange(0, 60, _STEP) for hub in sorted(self.hubs)}

    def some_days(self, count: int) -> frozenset[int]:
        return self.rng.choice(_WEEKDAY_SETS[count])

    def departure_bank(self, hub: str) -> tuple[float, ...]:
        """1 for the local minutes of the seller's departure waves at ``hub``, else a
        small weight (a few flights leave between banks)."""
        return _departure_bank(self.bank_shift[hub])

    def arrival_bank(self, hub: str, lead: int) -> tuple[float, ...]:
        """By departure minute: 1 when the flight lands (``lead`` minutes later on the
        origin's clock) 20-75 minutes before one of the seller's banks at ``hub``."""
        return _arrival_bank((self.bank_shift[hub] - lead) % BANK_SPACING_MINUTES)


class Timetable:
    """Turns routes and their weekly frequencies into schedule patterns."""

    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        self.sellers: dict[str, _Seller] = {}

    def seller(self, airline: Airline) -> _Seller:
        known = self.sellers.get(airline.iata_code)
        if known is None:
            known = self.sellers[airline.iata_code] = _Seller(airline, seed=self.seed)
        return known

    def patterns(self, route: AirlineRoute, weekly: int) -> Iterator[SchedulePattern]:
        seller = self.seller(route.seller)
        types = self._aircraft(route)
        if not types or weekly <= 0:
            return
        daily, extra = divmod(weekly, 7)
        days = [EVERY_DAY] * daily + ([seller.some_days(extra)] if extra else [])
        legs = ((route.first, route.second), (route.second, route.first))
        timed = [
            self._departures(seller, origin, destination, route, types, len(days))
            for origin, destination in legs
        ]
        kind = self._number_kind(route)
        codeshares = [(partner, self.seller(partner)) for partner in route.codeshares]
        for index, weekdays in enumerate(days):
            numbers = seller.numbers.pair(kind)
            shared = [(p, s.numbers.pair("codeshare")) for p, s in codeshares]
            for direction, (origin, destination) in enumerate(legs):
                minute, aircraft, block = timed[direction][index]
                yield SchedulePattern(
                    airline=route.seller,
                    number=numbers[direction],
                    origin=origin,
                    destination=destination,
                    departure_minute=minute,
                    block_minutes=block,
                    aircraft=aircraft,
                    weekdays=weekdays,
                    distance_km=route.distance_km,
                    operator=None if route.operator is route.seller else route.operator,
                    codeshares=tuple((p, pair[direction]) for p, pair in shared),
                )

    def _number_kind(self, route: AirlineRoute) -> str:
        if route.distance_km >= LONG_HAUL_KM:
            return "long_haul"
        return "regional" if route.operator is not route.seller else "mainline"

    def _aircraft(self, route: AirlineRoute) -> list[AircraftType]:
        single = route.seller.is_low_cost
        listed = [aircraft_type(code, single_class=single) for code in route.equipment]
        able = [t for t in listed if t is not None and t.range_km >= route.distance_km]
        if able:
            return able
        code = next(c for limit, c in _FALLBACK_TYPES if route.distance_km <= limit or c == "77W")
        fallback = aircraft_type(code, single_class=single)
        return [fallback] if fallback is not None else []

    def _departures(
        self,
        seller: _Seller,
        origin: Airport,
        destination: Airport,
        route: AirlineRoute,
        types: Sequence[AircraftType],
        count: int,
    ) -> list[tuple[int, AircraftType, int]]:
        """``count`` (departure minute, aircraft, block) for one direction: minutes drawn
        by preference, one from each of ``count`` equally likely stretches of the day
        (so several flights a day spread out), in the seller's banks at a hub end."""
        wind = tailwind_kmh(origin, destination)
        shift = shift_minutes(origin, destination)
        blocks = [block_minutes(route.distance_km, t, tailwind_kmh=wind) for t in types]
        lead, long_haul = blocks[0] + shift, blocks[0] >= 4 * 60
        weights: Sequence[float] = _preferences(lead, long_haul)
        if origin.iata_code in seller.hubs:
            weights = _masked(weights, seller.departure_bank(origin.iata_code))
        elif destination.iata_code in seller.hubs:
            weights = _masked(weights, seller.arrival_bank(destination.iata_code, lead))
        cumulative = list(itertools.accumulate(weights))
        total = cumulative[-1]
        if total <= 0:
            cumulative, total = _UNIFORM, _UNIFORM[-1]
        last, rng = len(_MINUTES) - 1, seller.rng
        minutes = [
            _MINUTES[min(bisect_right(cumulative, (n + rng.random()) / count * total), last)]
            + _STEP * rng.randrange(_SLOT // _STEP)
            for n in range(count)
        ]
        order = list(range(count))
        seller.rng.shuffle(order)  # aircraft types are not tied to a time of day
        return [
            (minutes[n], types[order[n] % len(types)], blocks[order[n] % len(types)])
            for n in range(count)
        ]


def _masked(weights: Sequence[float], mask: Sequence[float]) -> list[float]:
    masked = [w * m for w, m in zip(weights, mask, strict=True)]
    return masked if any(masked) else list(weights)


_SLOT = 15  # departure times are drawn per quarter of an hour, then to 5 minutes
_MINUTES = tuple(range(0, 1440, _SLOT))
_UNIFORM = list(itertools.accumulate(1.0 for _ in _MINUTES))


@cache
def _preferences(lead: int, long_haul: bool) -> tuple[float, ...]:
    """``preference`` for every departure minute, for a flight landing ``lead`` minutes
    later on the origin's clock (block plus the time-zone shift)."""
    block = 4 * 60 if long_haul else 0
    return tuple(preference(m, block, lead - block) for m in _MINUTES)


@cache
def _departure_bank(shift: int) -> tuple[float, ...]:
    first = 6 * 60 + 30 + shift
    return tuple(
        1.0 if (m - first) % BANK_SPACING_MINUTES <= BANK_WIDTH_MINUTES else _OFF_BANK
        for m in _MINUTES
    )


@cache
def _arrival_bank(shift: int) -> tuple[float, ...]:
    first = 6 * 60 + 30 + shift
    low, high = BANK_SPACING_MINUTES - 75, BANK_SPACING_MINUTES - 20
    return tuple(
        1.0 if low <= (m - first) % BANK_SPACING_MINUTES <= high else _OFF_BANK for m in _MINUTES
    )


def build_patterns(
    routes: Sequence[AirlineRoute], weekly: Sequence[int], *, seed: int
) -> list[SchedulePattern]:
    """Every route's patterns, in route order."""
    timetable = Timetable(seed=seed)
    patterns: list[SchedulePattern] = []
    for route, count in zip(routes, weekly, strict=True):
        patterns.extend(timetable.patterns(route, count))
    return patterns
