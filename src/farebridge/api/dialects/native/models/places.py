"""Airports and multi-airport cities."""

from __future__ import annotations

from typing import Literal

from pydantic import SerializeAsAny

from farebridge.api.dialects.native.models.common import WireModel


class Airport(WireModel):
    type: Literal["airport"]
    iata_code: str
    name: str
    city_name: str
    iata_country_code: str
    latitude: float
    longitude: float
    time_zone: str


class City(WireModel):
    type: Literal["city"]
    iata_code: str
    name: str
    iata_country_code: str
    airports: list[Airport]


class PlaceCode(WireModel):
    """A code the place directory does not know."""

    iata_code: str


Place = Airport | City


class PlaceListResponse(WireModel):
    data: list[SerializeAsAny[Place]]  # one pass, not two (ADR 0041)
