"""Airports and multi-airport cities."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Airport:
    iata_code: str
    name: str
    city_name: str
    country_code: str
    latitude: float
    longitude: float
    time_zone: str


@dataclass(frozen=True, slots=True)
class City:
    """A metropolitan code that stands for several airports (LON, NYC…)."""

    iata_code: str
    name: str
    country_code: str
    airport_codes: tuple[str, ...]


EARTH_RADIUS_KM = 6371.0


def great_circle_km(a: Airport, b: Airport) -> float:
    """Haversine distance between two airports, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# Multi-airport metropolitan codes (IATA). Facts, written down by us.
CITIES: tuple[City, ...] = (
    City("LON", "London", "GB", ("LHR", "LGW", "STN", "LTN", "LCY", "SEN")),
    City("NYC", "New York", "US", ("JFK", "EWR", "LGA")),
    City("PAR", "Paris", "FR", ("CDG", "ORY", "BVA")),
    City("TYO", "Tokyo", "JP", ("HND", "NRT")),
    City("MIL", "Milan", "IT", ("MXP", "LIN", "BGY")),
    City("ROM", "Rome", "IT", ("FCO", "CIA")),
    City("CHI", "Chicago", "US", ("ORD", "MDW")),
    City("WAS", "Washington", "US", ("IAD", "DCA", "BWI")),
    City("BUE", "Buenos Aires", "AR", ("EZE", "AEP")),
    City("SAO", "São Paulo", "BR", ("GRU", "CGH", "VCP")),
    City("MOW", "Moscow", "RU", ("SVO", "DME", "VKO")),
    City("STO", "Stockholm", "SE", ("ARN", "BMA", "NYO")),
    City("OSA", "Osaka", "JP", ("KIX", "ITM", "UKB")),
    City("SEL", "Seoul", "KR", ("ICN", "GMP")),
    City("BJS", "Beijing", "CN", ("PEK", "PKX")),
    City("SHA", "Shanghai", "CN", ("PVG", "SHA")),
    City("YTO", "Toronto", "CA", ("YYZ", "YTZ")),
    City("YMQ", "Montreal", "CA", ("YUL",)),
    City("RIO", "Rio de Janeiro", "BR", ("GIG", "SDU")),
    City("JKT", "Jakarta", "ID", ("CGK", "HLP")),
    City("BER", "Berlin", "DE", ("BER",)),
    City("LAX", "Los Angeles", "US", ("LAX",)),
)


class PlaceDirectory:
    """Airports by IATA code, cities that group them, and name suggestions."""

    def __init__(self, airports: dict[str, Airport], cities: tuple[City, ...] = CITIES) -> None:
        self._airports = airports
        # A city code that is also an airport code (SHA, BER) stays an airport.
        self._cities = {
            c.iata_code: City(
                c.iata_code,
                c.name,
                c.country_code,
                tuple(code for code in c.airport_codes if code in airports),
            )
            for c in cities
        }
        self._city_by_airport = {
            code: city
            for city in self._cities.values()
            if len(city.airport_codes) > 1
            for code in city.airport_codes
        }

    def airport(self, code: str) -> Airport | None:
        return self._airports.get(code.upper())

    def city(self, code: str) -> City | None:
        return self._cities.get(code.upper())

    def airports(self) -> dict[str, Airport]:
        return self._airports

    def city_of(self, airport_code: str) -> City | None:
        """The multi-airport city an airport belongs to (LHR → London), if any."""
        return self._city_by_airport.get(airport_code)

    def cities(self) -> list[City]:
        return [city for city in self._cities.values() if len(city.airport_codes) > 1]

    def is_known(self, code: str) -> bool:
        return code.upper() in self._airports or code.upper() in self._cities

    def expand(self, code: str) -> tuple[Airport, ...]:
        """A city code becomes its airports; an airport code stays itself."""
        code = code.upper()
        city = self._cities.get(code)
        if city is not None and city.airport_codes:
            return tuple(self._airports[c] for c in city.airport_codes)
        airport = self._airports.get(code)
        return (airport,) if airport else ()

    def suggest(self, query: str, *, limit: int = 10) -> list[Airport | City]:
        """Cities and airports matching a code or the start of a name, best first."""
        text = query.strip().lower()
        if len(text) < 2:
            return []
        ranked: list[tuple[int, str, Airport | City]] = []
        for city in self._cities.values():
            if len(city.airport_codes) < 2:
                continue
            if city.iata_code.lower() == text:
                ranked.append((-2, city.iata_code, city))
            elif city.name.lower().startswith(text):
                ranked.append((-1, city.iata_code, city))
        grouped = {code for city in self._cities.values() for code in city.airport_codes}
        for airport in self._airports.values():
            rank = _airport_rank(airport, text)
            if rank is not None:
                # Airports of a metropolitan area are the likelier answer.
                ranked.append(
                    (rank * 2 - (airport.iata_code in grouped), airport.iata_code, airport)
                )
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [place for _, _, place in ranked[:limit]]


def _airport_rank(airport: Airport, text: str) -> int | None:
    if airport.iata_code.lower() == text:
        return 0
    if airport.city_name.lower().startswith(text):
        return 2
    if airport.name.lower().startswith(text):
        return 3
    if len(text) >= 3 and text in airport.name.lower():
        return 4
    return None
