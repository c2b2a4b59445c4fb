"""A disk cache of built timetables, so that every process after the first starts fast.

Building the world (routes, frequencies, 140,000 schedule patterns) takes a few
seconds; reading it back from ``<cache_dir>/network-<fingerprint>.npz`` takes a
fraction of that. The fingerprint covers the seed, the vendored data, the
fitted model, the code that builds the timetable and the airport data, so a
change to any of them builds afresh. The file holds only integer columns and
code tables (numpy's format without pickles, and JSON), written to a temporary
file and renamed into place, so concurrent processes never read half a file.
A cache that cannot be read or written is ignored: the network is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from farebridge.domain.places import PlaceDirectory
from farebridge.providers.sandbox.world.aircraft import aircraft_types
from farebridge.providers.sandbox.world.airlines import Airline, Alliance, BusinessModel
from farebridge.providers.sandbox.world.schedule import SchedulePattern

log = structlog.get_logger(__name__)

_PACKAGE = "farebridge.providers.sandbox.world"
_SOURCES = (
    "aircraft.py",
    "airlines.py",
    "cache.py",
    "frequencies.py",
    "network.py",
    "openflights.py",
    "routes.py",
    "schedule.py",
    "timetable.py",
)
_VERSION = 2


def fingerprint(seed: int) -> str:
    """A digest of everything the timetable of ``seed`` is built from."""
    digest = hashlib.sha256(f"v{_VERSION}|seed={seed}|".encode())
    root = resources.files(_PACKAGE)
    for name in _SOURCES:
        digest.update(root.joinpath(name).read_bytes())
    data = root.joinpath("data")
    for name in sorted(entry.name for entry in data.iterdir() if entry.is_file()):
        digest.update(name.encode() + data.joinpath(name).read_bytes())
    for name in ("routes.dat.gz", "airlines.dat.gz", "planes.dat"):
        digest.update(data.joinpath("openflights", name).read_bytes())
    digest.update(metadata.version("airportsdata").encode())
    return digest.hexdigest()[:24]


def cached_patterns(
    places: PlaceDirectory,
    seed: int,
    cache_dir: Path | None,
    build: Callable[[], Sequence[SchedulePattern]],
) -> Sequence[SchedulePattern]:
    """The patterns of ``seed`` from the cache, else built (and stored)."""
    if cache_dir is None:
        return build()
    path = cache_dir / f"network-{fingerprint(seed)}.npz"
    if path.exists():
        try:
            return _read(path, places)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("sandbox.cache_unreadable", path=str(path), error=str(exc))
    patterns = build()
    try:
        _write(path, patterns)
    except OSError as exc:
        log.warning("sandbox.cache_unwritable", path=str(path), error=str(exc))
    return patterns


def _write(path: Path, patterns: Sequence[SchedulePattern]) -> None:
    airlines: dict[str, int] = {}
    airports: dict[str, int] = {}
    aircraft: dict[str, int] = {}

    def number(table: dict[str, int], code: str) -> int:
        return table.setdefault(code, len(table))

    columns = {
        "seller": [number(airlines, p.airline.iata_code) for p in patterns],
        "number": [p.number for p in patterns],
        "origin": [number(airports, p.origin.iata_code) for p in patterns],
        "destination": [number(airports, p.destination.iata_code) for p in patterns],
        "minute": [p.departure_minute for p in patterns],
        "block": [p.block_minutes for p in patterns],
        "aircraft": [number(aircraft, p.aircraft.key) for p in patterns],
        "weekdays": [sum(1 << day for day in p.weekdays) for p in patterns],
        "operator": [
            number(airlines, p.operator.iata_code) if p.operator else -1 for p in patterns
        ],
    }
    shared = [
        (n, number(airlines, partner.iata_code), flight)
        for n, p in enumerate(patterns)
        for partner, flight in p.codeshares
    ]
    known = {p.airline.iata_code: p.airline for p in patterns}
    known.update({p.operator.iata_code: p.operator for p in patterns if p.operator})
    known.update({a.iata_code: a for p in patterns for a, _ in p.codeshares})
    tables = {
        "airlines": [_airline_fields(known[code]) for code in airlines],
        "airports": list(airports),
        "aircraft": list(aircraft),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            arrays = {name: np.array(values, dtype=np.int32) for name, values in columns.items()}
            arrays["tables"] = np.frombuffer(json.dumps(tables).encode(), dtype=np.uint8)
            arrays["codeshares"] = np.array(shared, dtype=np.int32).reshape(-1, 3)
            arrays["distance"] = np.array([p.distance_km for p in patterns], dtype=np.float64)
            np.savez(stream, allow_pickle=False, **arrays)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _airline_fields(airline: Airline) -> dict[str, object]:
    fields = asdict(airline)
    fields["alliance"] = airline.alliance.value if airline.alliance else None
    fields["business_model"] = airline.business_model.value
    return fields


def _airline(fields: dict[str, Any]) -> Airline:
    return Airline(
        iata_code=fields["iata_code"],
        name=fields["name"],
        country_code=fields["country_code"],
        currency=fields["currency"],
        ticket_prefix=fields["ticket_prefix"],
        alliance=Alliance(fields["alliance"]) if fields["alliance"] else None,
        business_model=BusinessModel(fields["business_model"]),
        hubs=tuple(fields["hubs"]),
        sells_as=fields["sells_as"],
        regional_operator=fields["regional_operator"],
    )


def _read(path: Path, places: PlaceDirectory) -> list[SchedulePattern]:
    with np.load(path, allow_pickle=False) as stored:
        tables = json.loads(stored["tables"].tobytes().decode())
        columns = {name: stored[name].tolist() for name in stored.files if name != "tables"}
    airlines = [_airline(fields) for fields in tables["airlines"]]
    airports = [places.airports()[code] for code in tables["airports"]]
    types = aircraft_types()
    aircraft = [types[key] for key in tables["aircraft"]]
    weekday_sets: dict[int, frozenset[int]] = {}
    shared: dict[int, list[tuple[Airline, int]]] = {}
    for n, partner, flight in columns["codeshares"]:
        shared.setdefault(n, []).append((airlines[partner], flight))
    patterns = []
    for n, (seller, number, origin, destination, minute, block, plane, mask, operator) in enumerate(
        zip(
            columns["seller"],
            columns["number"],
            columns["origin"],
            columns["destination"],
            columns["minute"],
            columns["block"],
            columns["aircraft"],
            columns["weekdays"],
            columns["operator"],
            strict=True,
        )
    ):
        days = weekday_sets.get(mask)
        if days is None:
            days = weekday_sets[mask] = frozenset(d for d in range(7) if mask >> d & 1)
        patterns.append(
            SchedulePattern(
                airline=airlines[seller],
                number=number,
                origin=airports[origin],
                destination=airports[destination],
                departure_minute=minute,
                block_minutes=block,
                aircraft=aircraft[plane],
                weekdays=days,
                distance_km=columns["distance"][n],
                operator=airlines[operator] if operator >= 0 else None,
                codeshares=tuple(shared.get(n, ())),
            )
        )
    return patterns
