"""What a connection search is asked and answers: rules, queries, itineraries.

The rules an itinerary of one slice obeys, whichever engine finds it (the
indexed search in ``connections.py`` or the plain enumerator in
``exhaustive.py``):

1. the first flight leaves an origin airport on the query's local date, inside
   the departure window, and not before the earliest departure (the booking
   lead time: a flight about to leave is not sold); the last one reaches a
   destination airport inside the arrival window; an origin that is also a
   destination is skipped;
2. at most ``max_connections`` connections; the itinerary ends at the first
   destination airport it reaches, and never lands at an origin airport or at
   any airport twice;
3. each connection is at one airport, lasts at least the minimum connecting
   time there (domestic when the three airports are in one country, else
   international) and at most the maximum layover, and is online or within
   one alliance (low-cost carriers never interline);
4. every flight is by a preferred airline, when the query names some;
5. detour: at every connecting airport, the distance flown so far plus the
   great-circle distance left to the nearest destination is at most
   ``max_detour`` times the distance from the origin to it;
6. elapsed time: at most ``ConnectionRules.max_elapsed_minutes`` (twice a
   nonstop's block time plus three hours, by default), as airlines' and GDSs'
   connection rules do: nobody is sold twenty hours for a two-hour trip.

Itineraries are ranked by ``ranking_key`` (duration, then departure, then
flight designators), deduplicated, and capped: at most ``limit``, and at most
``ConnectionRules.per_connection_cap`` through the same connecting airports, so
that results stay diverse (chosen greedily in ranking order); ``truncated`` says
there were (or may have been) more than the cap, or that the work bound was hit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time

from farebridge.domain.connections import (
    DOMESTIC_MCT_MINUTES,
    INTERNATIONAL_MCT_MINUTES,
)
from farebridge.domain.connections import MCT_OVERRIDES as PUBLISHED_MCT
from farebridge.domain.places import Airport, great_circle_km
from farebridge.domain.search import TimeWindow
from farebridge.providers.sandbox.world.schedule import Flight

# Minimum connecting times, (domestic, international) minutes per airport: the
# domain's table (``domain/connections.py``), which schedule changes are checked against.
MCT_OVERRIDES: dict[str, tuple[int, int]] = dict(PUBLISHED_MCT)

DEFAULT_LIMIT = 200
DEFAULT_MAX_WORK = 200_000


@dataclass(frozen=True, slots=True)
class ConnectionRules:
    domestic_mct_minutes: int = DOMESTIC_MCT_MINUTES
    international_mct_minutes: int = INTERNATIONAL_MCT_MINUTES
    max_layover_minutes: int = 6 * 60
    max_detour: float = 1.9
    # at most this share of the results connect at the same airports (0: no cap)
    connection_share: float = 0.25
    # an itinerary takes at most this many times a nonstop's block time, plus the slack
    # (None: any time); a nonstop's block is estimated for the shortest origin-destination
    # distance of the query (40 minutes plus the distance at 800 km/h)
    max_elapsed_factor: float | None = 2.0
    elapsed_slack_minutes: int = 180
    mct_overrides: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: dict(MCT_OVERRIDES)
    )

    def connecting_minutes(self, airport_code: str, *, domestic: bool) -> int:
        """The minimum connecting time at ``airport_code``."""
        default = (self.domestic_mct_minutes, self.international_mct_minutes)
        times = self.mct_overrides.get(airport_code, default)
        return times[0] if domestic else times[1]

    def minimum_connecting_minutes(self, arriving: Flight, departing: Flight) -> int:
        """Domestic when all three airports are in one country, else international."""
        domestic = (
            arriving.origin.country_code
            == arriving.destination.country_code
            == departing.destination.country_code
        )
        return self.connecting_minutes(arriving.destination.iata_code, domestic=domestic)

    def max_elapsed_minutes(self, query: SliceQuery) -> int | None:
        """The longest an itinerary of ``query`` may take (None: no limit)."""
        if self.max_elapsed_factor is None or not query.origins or not query.destinations:
            return None
        distance = min(
            great_circle_km(origin, destination)
            for origin in query.origins
            for destination in query.destinations
        )
        nonstop = 40 + distance / 800 * 60
        return int(self.max_elapsed_factor * nonstop) + self.elapsed_slack_minutes

    def per_connection_cap(self, limit: int) -> int:
        """How many of ``limit`` itineraries may connect at the same airports."""
        if self.connection_share <= 0:
            return max(limit, 1)
        return max(1, math.ceil(limit * self.connection_share))

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
    earliest_departure_minute: int | None = None  # UTC epoch minutes: nothing leaves sooner


@dataclass(frozen=True, slots=True)
class Itinerary:
    flights: tuple[Flight, ...]
    family: str = ""  # the interline family that sells it as one ticket

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
    def key(self) -> tuple[str, tuple[tuple[str, date], ...]]:
        return self.family, tuple((f.designator, f.departure_on) for f in self.flights)

    @property
    def layovers_minutes(self) -> tuple[int, ...]:
        pairs = zip(self.flights, self.flights[1:], strict=False)
        return tuple(after.departure_minute - before.arrival_minute for before, after in pairs)


@dataclass(frozen=True, slots=True)
class ItineraryResult:
    itineraries: tuple[Itinerary, ...]  # best first: shortest, then earliest
    truncated: bool = False
    work: int = 0  # how much the search did (index rows looked at), against its bound


def ranking_key(itinerary: Itinerary) -> tuple[int, int, list[str], str]:
    """Shortest first, then earliest departure, then by flight designators and family."""
    return (
        itinerary.duration_minutes,
        itinerary.departure_minute,
        [f.designator for f in itinerary.flights],
        itinerary.family,
    )


def time_window_minutes(window: TimeWindow | None) -> tuple[int, int] | None:
    """A window as the local minutes of the day it contains, inclusive: the same
    answer as ``TimeWindow.contains`` for a time in whole minutes."""
    if window is None:
        return None
    start, end = (_microseconds(moment) for moment in (window.start, window.end))
    return -(-start // _MINUTE), end // _MINUTE


_MINUTE = 60_000_000


def _microseconds(moment: time) -> int:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds * 1_000_000 + moment.microsecond
