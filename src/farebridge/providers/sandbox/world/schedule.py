"""Schedule patterns and the flights they become on a date.

A pattern is a local departure time on some weekdays; ``materialise`` turns it
into the flight of one local date, with aware times in each airport's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from farebridge.domain.places import Airport
from farebridge.providers.sandbox.world.aircraft import AircraftType
from farebridge.providers.sandbox.world.reference import Airline

SCHEDULE_DAYS = 330  # how far ahead the sandbox sells; patterns themselves never end
CRUISE_KMH = 860
TAXI_AND_CLIMB_MINUTES = 40
EVERY_DAY = frozenset(range(7))


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


def block_minutes(distance_km: float, aircraft: AircraftType | None = None) -> int:
    """Gate-to-gate time: taxi and climb plus cruise, rounded to 5 minutes.

    Without an aircraft, a jet's (860 km/h, 40 minutes on the ground and climbing)."""
    cruise = aircraft.cruise_kmh if aircraft else CRUISE_KMH
    taxi = aircraft.taxi_and_climb_minutes if aircraft else TAXI_AND_CLIMB_MINUTES
    minutes = taxi + distance_km / cruise * 60
    return 5 * round(minutes / 5)


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
