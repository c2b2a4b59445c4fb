"""How big an airport is, without traffic data: a documented, deterministic heuristic.

``airportsdata`` gives names, countries, coordinates and time zones, nothing
about traffic. The sandbox scores each airport instead (a relative "size", 1
for an ordinary field, ~15 for a main hub) and uses the score for which
airports get service at a given scale, how often they are served, and how
often the benchmark asks for them:

- a hub of an airline in ``reference.py`` scores +8 (main hub of a full-service
  airline), +5 (other hub) or +3 (low-cost base);
- +1 for each airline that lists it as a destination (at most +6);
- +2 for an airport of a multi-airport city (LON, NYC…);
- +1.5 when its name says "International" (or "Intl");
- +0.5 in a country that is home to a reference airline;
- -0.4 for a name that sounds small ("Municipal", "County", "Field"…);
- plus a jitter in [0, 1) drawn from the seed and the code.

Heliports, seaplane bases, airstrips and military fields score 0 (never
served) unless the reference data names them.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import cache

from farebridge.domain.places import CITIES, Airport, PlaceDirectory
from farebridge.providers.sandbox.world.reference import AIRLINES

_UNSERVED = re.compile(
    r"\b(heliport|seaplane|air base|afb|army|naval|nas|raf|coast guard|air force|"
    r"airstrip|airpark|air station)\b",
    re.IGNORECASE,
)
_SMALL = re.compile(r"\b(municipal|county|field|memorial|executive|airfield)\b", re.IGNORECASE)
_INTERNATIONAL = re.compile(r"\b(international|intl)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SizedAirport:
    airport: Airport
    size: float
    position: tuple[float, float, float]  # unit vector, for quick distance filters


def _reference_scores() -> dict[str, float]:
    scores: dict[str, float] = {}
    for carrier in AIRLINES:
        for index, code in enumerate(carrier.hubs):
            hub = 3.0 if carrier.is_low_cost else (8.0 if index == 0 else 5.0)
            scores[code] = max(scores.get(code, 0.0), hub)
    listed: dict[str, int] = {}
    for carrier in AIRLINES:
        for code in carrier.destinations:
            listed[code] = listed.get(code, 0) + 1
    for code, count in listed.items():
        scores[code] = scores.get(code, 0.0) + min(count, 6)
    return scores


REFERENCE_SCORES = _reference_scores()
REFERENCE_AIRPORTS = frozenset(REFERENCE_SCORES)
# Coupling to know about: adding a city to ``domain.places.CITIES`` raises its airports'
# size, which changes the generated timetable (and tests that name specific routes).
_CITY_AIRPORTS = frozenset(code for city in CITIES for code in city.airport_codes)
_HOME_COUNTRIES = frozenset(carrier.country_code for carrier in AIRLINES)


def jitter(seed: int, code: str) -> float:
    """A number in [0, 1) fixed by the seed and the code."""
    return zlib.crc32(f"farebridge-size:{seed}:{code}".encode()) / 2**32


def airport_size(airport: Airport, seed: int) -> float:
    """The heuristic size of ``airport`` (0: never served)."""
    code, name = airport.iata_code, airport.name
    known = REFERENCE_SCORES.get(code)
    if known is None and _UNSERVED.search(name):
        return 0.0
    size = 1.0 + (known or 0.0)
    size += 2.0 if code in _CITY_AIRPORTS else 0.0
    size += 1.5 if _INTERNATIONAL.search(name) else 0.0
    size += 0.5 if airport.country_code in _HOME_COUNTRIES else 0.0
    size -= 0.4 if _SMALL.search(name) else 0.0
    return round(size + jitter(seed, code), 3)


def unit_vector(airport: Airport) -> tuple[float, float, float]:
    latitude, longitude = math.radians(airport.latitude), math.radians(airport.longitude)
    return (
        math.cos(latitude) * math.cos(longitude),
        math.cos(latitude) * math.sin(longitude),
        math.sin(latitude),
    )


def chord_limit(km: float) -> float:
    """The smallest dot product of two unit vectors less than ``km`` apart."""
    return math.cos(min(km / 6371.0, math.pi))


@cache
def sized_airports(places: PlaceDirectory, seed: int) -> tuple[SizedAirport, ...]:
    """Every servable airport with its size, biggest first (ties by code)."""
    sized = [
        SizedAirport(airport, size, unit_vector(airport))
        for airport in places.airports().values()
        if (size := airport_size(airport, seed)) > 0
    ]
    return tuple(sorted(sized, key=lambda s: (-s.size, s.airport.iata_code)))


@cache
def size_table(places: PlaceDirectory, seed: int) -> dict[str, float]:
    return {s.airport.iata_code: s.size for s in sized_airports(places, seed)}
