"""The vendored OpenFlights data (``data/openflights/``, ODbL 1.0; see ``NOTICE``).

``routes.dat.gz`` holds 67,663 airline routes of June 2014 (airline, source and
destination airports, codeshare flag, stops, equipment), ``airlines.dat.gz`` the
airlines' names and ``planes.dat`` the aircraft type names. This module only
reads them; what the sandbox makes of them is in ``airlines.py``, ``routes.py``
and ``aircraft.py``.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

_DATA = "farebridge.providers.sandbox.world"
_NULL = "\\N"


@dataclass(frozen=True, slots=True)
class RouteRow:
    """One line of ``routes.dat``: an airline selling a nonstop from one airport to another."""

    airline: str  # IATA code (a few ICAO codes where the airline had none)
    origin: str
    destination: str
    codeshare: bool  # sold by ``airline``, operated by another
    equipment: tuple[str, ...]  # IATA aircraft type codes


@dataclass(frozen=True, slots=True)
class AirlineName:
    code: str
    name: str
    active: bool


def _open(name: str) -> Iterator[list[str]]:
    path = resources.files(_DATA).joinpath("data", "openflights", name)
    with path.open("rb") as raw:
        if not name.endswith(".gz"):
            yield from csv.reader(line.decode("utf-8") for line in raw)
            return
        with gzip.open(raw, "rt", encoding="utf-8") as text:
            yield from csv.reader(text)


@cache
def route_rows() -> tuple[RouteRow, ...]:
    """Every nonstop route row, in file order (the few one-stop rows are left out)."""
    rows = []
    for fields in _open("routes.dat.gz"):
        airline, _, origin, _, destination, _, codeshare, stops, equipment = fields
        if stops != "0" or origin == destination:
            continue
        rows.append(
            RouteRow(airline, origin, destination, codeshare == "Y", tuple(equipment.split()))
        )
    return tuple(rows)


@cache
def airline_names() -> dict[str, AirlineName]:
    """The OpenFlights name of each IATA airline code (the active airline when a code
    was used twice). Often outdated: ``data/airlines.csv`` overrides it where it knows."""
    names: dict[str, AirlineName] = {}
    for fields in _open("airlines.dat.gz"):
        code, name, active = fields[3], fields[1], fields[7] == "Y"
        if len(code) != 2 or code == _NULL or not code.isalnum():
            continue
        known = names.get(code)
        if known is None or (active and not known.active):
            names[code] = AirlineName(code, name, active)
    return names


@cache
def aircraft_names() -> dict[str, str]:
    """IATA aircraft type code -> name, from ``planes.dat``."""
    return {
        fields[1]: fields[0]
        for fields in _open("planes.dat")
        if len(fields) >= 2 and fields[1] not in ("", _NULL)
    }
