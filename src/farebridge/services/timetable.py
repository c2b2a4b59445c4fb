"""The timetable's flights by stable number: the catalogue, a filtered list, one flight.

The flights come from the first enabled provider that publishes its timetable
(the sandbox; see ``providers.base.Timetable`` and ADR 0022).
"""

from __future__ import annotations

from collections.abc import Sequence

from farebridge.domain.errors import NotFound, ValidationFailed
from farebridge.domain.timetable import FlightQuery, ScheduledFlight
from farebridge.providers.base import Timetable
from farebridge.services.ports import Dependencies


def _flights(deps: Dependencies) -> Sequence[ScheduledFlight]:
    for name in deps.providers.names:
        provider = deps.providers.get(name)
        if isinstance(provider, Timetable):
            return provider.timetable()
    return ()


def list_flights(
    deps: Dependencies, *, offset: int, limit: int
) -> tuple[int, Sequence[ScheduledFlight]]:
    """How many flights there are, and ``limit`` of them from ``offset``, by number."""
    flights = _flights(deps)
    return len(flights), flights[offset : offset + limit]


def find_flights(deps: Dependencies, query: FlightQuery) -> list[ScheduledFlight]:
    return [flight for flight in _flights(deps) if query.matches(flight)]


def get_flight(deps: Dependencies, number: int) -> ScheduledFlight:
    flights = _flights(deps)
    if not 1 <= number <= len(flights):
        raise NotFound(f"No flight {number} in the timetable.", code="flight_not_found")
    return flights[number - 1]


def airports_of(deps: Dependencies, place: str, *, field: str) -> frozenset[str]:
    """The airport codes a city name, a city code or an airport code stands for."""
    text = place.strip()
    codes = {airport.iata_code for airport in deps.places.expand(text)} if len(text) == 3 else set()
    wanted = text.lower()
    airports = deps.places.airports().values()
    if not codes:
        codes = {a.iata_code for a in airports if a.city_name.lower() == wanted}
    if not codes:  # "Delhi" for New Delhi
        codes = {a.iata_code for a in airports if a.city_name.lower().endswith(" " + wanted)}
    if not codes:
        raise ValidationFailed(f"No city or airport is called {text!r}.", field=field)
    return frozenset(codes)
