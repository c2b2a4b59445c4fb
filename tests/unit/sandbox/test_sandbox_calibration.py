"""The frequency model against real routes (``world/data/calibration_routes.csv``)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from farebridge.providers.sandbox.world.calibration import reference_routes
from farebridge.providers.sandbox.world.network import Network
from farebridge.providers.sandbox.world.routes import AIRPORT_SUCCESSORS

TOLERANCE = 1.6


def _per_day(network: Network, origin: str, destination: str) -> float:
    origin, destination = (AIRPORT_SUCCESSORS.get(c, c) for c in (origin, destination))
    flights = [p for p in network.patterns_from(origin) if p.destination.iata_code == destination]
    return sum(len(p.weekdays) for p in flights) / 7


def test_the_reference_table_is_sourced_and_large_enough() -> None:
    references = reference_routes()
    assert len(references) >= 30
    assert all(ref.source and ref.period and ref.nonstops_per_day > 0 for ref in references)
    pairs = [ref.pair for ref in references]
    assert len(pairs) == len(set(pairs)), "each route once"
    path = resources.files("farebridge.providers.sandbox.world").joinpath(
        "data", "calibration_routes.csv"
    )
    with path.open(encoding="utf-8") as stream:
        assert {"origin", "destination", "nonstops_per_day", "source"} <= set(
            csv.DictReader(stream).fieldnames or ()
        )


@pytest.mark.parametrize(
    "reference", reference_routes(), ids=lambda r: f"{r.origin}-{r.destination}"
)
def test_every_calibration_route_is_within_a_factor_of_1_6(
    network: Network, reference: object
) -> None:
    ref = reference  # a ReferenceRoute
    modelled = _per_day(network, ref.origin, ref.destination)  # type: ignore[attr-defined]
    expected = ref.nonstops_per_day  # type: ignore[attr-defined]
    assert expected / TOLERANCE <= modelled <= expected * TOLERANCE, (
        f"{modelled:.1f} nonstops a day against {expected} in the reference"
    )


def test_both_directions_fly_alike(network: Network) -> None:
    for ref in reference_routes()[:20]:
        there = _per_day(network, ref.origin, ref.destination)
        back = _per_day(network, ref.destination, ref.origin)
        assert there == pytest.approx(back)
