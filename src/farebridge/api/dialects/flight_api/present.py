"""From timetable flights to seed 002's flight objects."""

from __future__ import annotations

from datetime import time

from farebridge.api.dialects.flight_api.schemas import FlightOut
from farebridge.domain.timetable import ScheduledFlight


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S")


def _duration(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def flight(found: ScheduledFlight) -> FlightOut:
    return FlightOut(
        id=found.number,
        flight_no=found.designator,
        airline=found.airline_name,
        origin_airport=found.origin.name,
        origin_city=found.origin.city_name,
        origin_code=found.origin.iata_code,
        destination_airport=found.destination.name,
        destination_city=found.destination.city_name,
        destination_code=found.destination.iata_code,
        depart_time=_clock(found.departure_time),
        arrival_time=_clock(found.arrival_time),
        duration=_duration(found.block_minutes),
    )
