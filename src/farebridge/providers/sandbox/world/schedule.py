"""Schedule patterns and the flights they become on a date.

A pattern is a local departure time on some weekdays; ``materialise`` turns it
into the flight of one local date, with aware times in each airport's zone.
Block times come from the distance, the aircraft and the wind (``block_minutes``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from farebridge.domain.places import Airport
from farebridge.providers.sandbox.world.aircraft import AircraftType
from farebridge.providers.sandbox.world.airlines import Airline

SCHEDULE_DAYS = 330  # how far ahead the sandbox sells; patterns themselves never end
CRUISE_KMH = 860
TAXI_AND_CLIMB_MINUTES = 40
EVERY_DAY = frozenset(range(7))
# The jet stream: a westerly wind of up to this speed at mid-latitudes (strongest at
# 45 degrees, none at the equator or the poles), fitted to published block times
# (``data/block_times.csv``): eastbound flights are shorter than westbound ones.
JET_STREAM_KMH = 95.0
# Airlines pad long schedules: minutes per 1,000 km on top of taxi, climb and cruise.
SCHEDULE_PADDING_PER_1000_KM = 2.5


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
    operator: Airline | None = None  # who flies it, when not ``airline`` (the seller)
    codeshares: tuple[tuple[Airline, int], ...] = ()  # partners' flight numbers on it

    @property
    def designator(self) -> str:
        return f"{self.airline.iata_code}{self.number}"

    @property
    def operating_airline(self) -> Airline:
        return self.operator or self.airline

    def number_for(self, marketer: Airline) -> int | None:
        """The flight number ``marketer`` sells it under (None: it does not sell it)."""
        if marketer.iata_code == self.airline.iata_code:
            return self.number
        return next((n for a, n in self.codeshares if a.iata_code == marketer.iata_code), None)

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


def block_minutes(
    distance_km: float, aircraft: AircraftType | None = None, *, tailwind_kmh: float = 0.0
) -> int:
    """Gate-to-gate time: taxi and climb, cruise at the aircraft's speed plus the
    tailwind (negative: a headwind), and schedule padding; rounded to 5 minutes.

    Without an aircraft, a jet's (860 km/h, 40 minutes on the ground and climbing)."""
    cruise = aircraft.cruise_kmh if aircraft else CRUISE_KMH
    taxi = aircraft.taxi_and_climb_minutes if aircraft else TAXI_AND_CLIMB_MINUTES
    ground_speed = max(cruise + tailwind_kmh * cruise / CRUISE_KMH, cruise / 2)
    padding = SCHEDULE_PADDING_PER_1000_KM * distance_km / 1000
    minutes = taxi + distance_km / ground_speed * 60 + padding
    return 5 * round(minutes / 5)


def tailwind_kmh(origin: Airport, destination: Airport) -> float:
    """The jet stream's help along the route: its east-west share at the midpoint,
    strongest at mid-latitudes (positive eastbound, negative westbound)."""
    lat1, lon1, lat2, lon2 = map(
        math.radians,
        (origin.latitude, origin.longitude, destination.latitude, destination.longitude),
    )
    # midpoint of the great circle
    bx = math.cos(lat2) * math.cos(lon2 - lon1)
    by = math.cos(lat2) * math.sin(lon2 - lon1)
    mid_lat = math.atan2(math.sin(lat1) + math.sin(lat2), math.hypot(math.cos(lat1) + bx, by))
    mid_lon = lon1 + math.atan2(by, math.cos(lat1) + bx)
    # the heading there, towards the destination
    east = math.cos(lat2) * math.sin(lon2 - mid_lon)
    north = math.cos(mid_lat) * math.sin(lat2) - math.sin(mid_lat) * math.cos(lat2) * math.cos(
        lon2 - mid_lon
    )
    heading_east = east / math.hypot(east, north) if east or north else 0.0
    return JET_STREAM_KMH * heading_east * abs(math.sin(2 * mid_lat))


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def materialise(pattern: SchedulePattern, departure_on: date) -> Flight:
    """The flight of ``pattern`` leaving on local date ``departure_on``."""
    origin_zone = zone(pattern.origin.time_zone)
    local = datetime.combine(departure_on, pattern.departure_time, tzinfo=origin_zone)
    departure_utc = local.astimezone(UTC)
    arrival_utc = departure_utc + timedelta(minutes=pattern.block_minutes)
    departure_minute = int(departure_utc.timestamp()) // 60
    return Flight(
        pattern=pattern,
        departure_on=departure_on,
        departing_at=departure_utc.astimezone(origin_zone),  # normalises DST gaps
        arriving_at=arrival_utc.astimezone(zone(pattern.destination.time_zone)),
        departure_minute=departure_minute,
        arrival_minute=departure_minute + pattern.block_minutes,
    )
