"""The sandbox's timetable as ``domain.timetable`` flights, numbered 1, 2, … in the
order of the network's schedule patterns (deterministic for a seed and the world
data), so that a number names the same flight in every run with that seed."""

from __future__ import annotations

from collections.abc import Sequence

from farebridge.domain.timetable import ScheduledFlight
from farebridge.providers.sandbox.world.schedule import SchedulePattern


def catalogue(patterns: Sequence[SchedulePattern]) -> tuple[ScheduledFlight, ...]:
    return tuple(
        ScheduledFlight(
            number=index,
            designator=pattern.designator,
            airline_code=pattern.airline.iata_code,
            airline_name=pattern.airline.name,
            origin=pattern.origin,
            destination=pattern.destination,
            departure_time=pattern.departure_time,
            block_minutes=pattern.block_minutes,
            weekdays=pattern.weekdays,
            cabins=frozenset(layout.cabin for layout in pattern.aircraft.cabins),
        )
        for index, pattern in enumerate(patterns, start=1)
    )
