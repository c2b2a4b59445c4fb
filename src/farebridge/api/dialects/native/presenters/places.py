"""Airports and cities."""

from __future__ import annotations

from farebridge.api.dialects.native.models import places as wire
from farebridge.api.dialects.native.presenters.common import shared
from farebridge.domain.places import Airport, City, PlaceDirectory


@shared
def present_airport(airport: Airport) -> wire.Airport:
    return wire.Airport.model_construct(
        type="airport",
        iata_code=airport.iata_code,
        name=airport.name,
        city_name=airport.city_name,
        iata_country_code=airport.country_code,
        latitude=airport.latitude,
        longitude=airport.longitude,
        time_zone=airport.time_zone,
    )


def present_city(city: City, places: PlaceDirectory) -> wire.City:
    airports = [places.airport(code) for code in city.airport_codes]
    return wire.City.model_construct(
        type="city",
        iata_code=city.iata_code,
        name=city.name,
        iata_country_code=city.country_code,
        airports=[present_airport(a) for a in airports if a is not None],
    )


def present_place(place: Airport | City, places: PlaceDirectory) -> wire.Place:
    return present_city(place, places) if isinstance(place, City) else present_airport(place)


def present_place_code(code: str, places: PlaceDirectory) -> wire.Place | wire.PlaceCode:
    """A searched code: the city when it has several airports, else the airport."""
    city = places.city(code)
    if city is not None and len(city.airport_codes) > 1:
        return present_city(city, places)
    airport = places.airport(code)
    return present_airport(airport) if airport else wire.PlaceCode.model_construct(iata_code=code)
