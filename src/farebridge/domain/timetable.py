"""The flights of a provider's timetable, each with a stable integer number, and the
query that filters them (the flight_api dialect's ``GET /flights``).

A flight here is a schedule pattern: one flight number between two airports at one
local departure time on some weekdays. Its ``number`` is its 1-based position in the
provider's timetable, which is deterministic for a sandbox seed (see ADR 0022).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from farebridge.domain.itinerary import CabinClass
from farebridge.domain.places import Airport

# The day whose UTC offsets give the catalogue's arrival times (no date is asked for).
REFERENCE_DAY = date(2026, 1, 15)


@dataclass(frozen=True, slots=True)
class ScheduledFlight:
    number: int
    designator: str  # marketing carrier code and flight number, "BA117"
    airline_code: str
    airline_name: str
    origin: Airport
    destination: Airport
    departure_time: time  # local, at the origin
    block_minutes: int
    weekdays: frozenset[int]  # date.weekday() values it operates on
    cabins: frozenset[CabinClass] = frozenset({CabinClass.ECONOMY})

    def departing_at(self, on: date) -> datetime:
        return datetime.combine(on, self.departure_time, tzinfo=ZoneInfo(self.origin.time_zone))

    def arriving_at(self, on: date) -> datetime:
        """Local at the destination, for the departure on local date ``on``."""
        landing = self.departing_at(on) + timedelta(minutes=self.block_minutes)
        return landing.astimezone(ZoneInfo(self.destination.time_zone))

    @property
    def arrival_time(self) -> time:
        return self.arriving_at(REFERENCE_DAY).time().replace(tzinfo=None)

    def operates_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays


@dataclass(frozen=True, slots=True)
class FlightQuery:
    """Every criterion is optional; a flight must meet all that are given."""

    origin: frozenset[str] | None = None  # airport codes
    destination: frozenset[str] | None = None
    designator: str | None = None
    on: date | None = None
    airline: str | None = None  # a code or a name, case-insensitive
    departing_between: tuple[time, time] | None = None  # local, inclusive
    cabin: CabinClass | None = None  # the aircraft has this cabin

    def matches(self, flight: ScheduledFlight) -> bool:
        airline = (self.airline or "").strip().lower()
        window = self.departing_between
        return (
            (self.origin is None or flight.origin.iata_code in self.origin)
            and (self.destination is None or flight.destination.iata_code in self.destination)
            and (self.designator is None or flight.designator == self.designator.upper())
            and (self.on is None or flight.operates_on(self.on))
            and (
                not airline or airline in (flight.airline_code.lower(), flight.airline_name.lower())
            )
            and (window is None or window[0] <= flight.departure_time <= window[1])
            and (self.cabin is None or self.cabin in flight.cabins)
        )
