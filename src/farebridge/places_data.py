"""Loads the airport reference data shipped by the ``airportsdata`` package."""

from __future__ import annotations

from functools import cache

import airportsdata

from farebridge.domain.places import Airport, PlaceDirectory


@cache
def load_places() -> PlaceDirectory:
    """Every airport with an IATA code and a time zone (about 7,900), loaded once."""
    raw = airportsdata.load("IATA")
    airports = {
        code: Airport(
            iata_code=code,
            name=row["name"],
            city_name=row["city"] or row["name"],
            country_code=row["country"],
            latitude=float(row["lat"]),
            longitude=float(row["lon"]),
            time_zone=row["tz"],
        )
        for code, row in raw.items()
        if len(code) == 3 and row.get("tz")
    }
    return PlaceDirectory(airports)
