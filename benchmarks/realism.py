"""How real the sandbox's world is: ``python -m benchmarks.realism``.

Prints, for every calibration route of ``world/data/calibration_routes.csv``,
the modelled nonstop flights a day (one direction, all airlines, averaged over
a week), the airlines flying it in the sandbox and in the reference, the
reference figure and its source, and the ratio; then the world's totals, and a
traveller's checks: the named markets (LON-NYC, SYD-MEL, DEL-BOM, GRU-EZE) and
the small airports (INV, BRR, ASE) with their airlines, aircraft, departure
times and block times in both directions.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Sequence

from farebridge.domain.places import PlaceDirectory
from farebridge.places_data import load_places
from farebridge.providers.sandbox.world.calibration import reference_routes
from farebridge.providers.sandbox.world.network import Network, SchedulePattern, build_network
from farebridge.providers.sandbox.world.routes import AIRPORT_SUCCESSORS

SEED = 7
TOLERANCE = 1.6


def between(
    network: Network, origins: Sequence[str], destinations: Sequence[str]
) -> list[SchedulePattern]:
    wanted = set(destinations)
    return [
        p
        for code in origins
        for p in network.patterns_from(code)
        if p.destination.iata_code in wanted
    ]


def per_day(patterns: Sequence[SchedulePattern]) -> float:
    return sum(len(p.weekdays) for p in patterns) / 7


def airlines(patterns: Sequence[SchedulePattern]) -> str:
    counted = Counter(p.airline.iata_code for p in patterns for _ in p.weekdays)
    return " ".join(f"{code}:{count / 7:.1f}" for code, count in counted.most_common())


def report_calibration(network: Network) -> None:
    print("== Calibration routes (nonstops a day, one direction, all airlines)")
    print(
        f"{'route':<9} {'model':>6} {'ref':>6} {'ratio':>6}  "
        "airlines in the sandbox | reference; source"
    )
    ratios = []
    for ref in reference_routes():
        origin = AIRPORT_SUCCESSORS.get(ref.origin, ref.origin)
        destination = AIRPORT_SUCCESSORS.get(ref.destination, ref.destination)
        flights = between(network, [origin], [destination])
        model = per_day(flights)
        ratio = model / ref.nonstops_per_day
        ratios.append(ratio)
        mark = "" if 1 / TOLERANCE <= ratio <= TOLERANCE else "  <- outside 1.6x"
        print(
            f"{ref.origin}-{ref.destination:<5} {model:6.1f} {ref.nonstops_per_day:6.1f} "
            f"{ratio:6.2f}  {airlines(flights)} | {' '.join(ref.airlines)}; {ref.source}{mark}"
        )
    inside = sum(1 / TOLERANCE <= r <= TOLERANCE for r in ratios)
    worst = max(max(r, 1 / r) for r in ratios)
    print(
        f"{inside} of {len(ratios)} within a factor of {TOLERANCE}; worst factor {worst:.2f}; "
        f"median ratio {statistics.median(ratios):.2f}"
    )


def report_world(network: Network) -> None:
    print("\n== The world")
    sellers = Counter(p.airline.iata_code for p in network.patterns for _ in p.weekdays)
    operated_by_others = sum(1 for p in network.patterns if p.operator is not None)
    shared = sum(1 for p in network.patterns if p.codeshares)
    print(
        f"{network.flights_per_day():,.0f} flights a day, {len(network.airports()):,} airports, "
        f"{len(sellers)} selling airlines, {len(network.patterns):,} patterns "
        f"({operated_by_others:,} flown by a regional operator, {shared:,} with codeshares)"
    )
    print("largest: " + ", ".join(f"{c} {n / 7:,.0f}" for c, n in sellers.most_common(12)))


def describe(
    network: Network, label: str, origins: Sequence[str], destinations: Sequence[str]
) -> None:
    flights = between(network, origins, destinations)
    if not flights:
        print(f"{label:<12} no nonstop")
        return
    times = sorted(f"{p.departure_minute // 60:02d}:{p.departure_minute % 60:02d}" for p in flights)
    blocks = sorted({p.block_minutes for p in flights})
    types = sorted({p.aircraft.iata_code for p in flights})
    operated = sorted(
        {f"{p.airline.iata_code}/{p.operator.iata_code}" for p in flights if p.operator}
    )
    print(
        f"{label:<12} {per_day(flights):5.1f}/day  {airlines(flights)}\n"
        f"{'':<12} aircraft {' '.join(types)}; block {blocks[0]}-{blocks[-1]} min"
        f"{'; operated by ' + ' '.join(operated) if operated else ''}\n"
        f"{'':<12} departures {' '.join(times[:24])}{' …' if len(times) > 24 else ''}"
    )


def report_traveller(places: PlaceDirectory, network: Network) -> None:
    print("\n== A traveller's checks (nonstops, local departure times)")
    for origin, destination in (("LON", "NYC"), ("SYD", "MEL"), ("DEL", "BOM"), ("GRU", "EZE")):
        for there, back in ((origin, destination), (destination, origin)):
            codes = (
                [a.iata_code for a in places.expand(there)],
                [a.iata_code for a in places.expand(back)],
            )
            describe(network, f"{there}-{back}", *codes)
    for small in ("INV", "BRR", "ASE"):
        served = sorted({p.destination.iata_code for p in network.patterns_from(small)})
        print(f"{small:<12} nonstop to {' '.join(served)}")
        for other in served[:4]:
            describe(network, f"  {other}-{small}", [other], [small])


def main() -> None:
    started = time.perf_counter()
    places = load_places()
    network = build_network(places, seed=SEED)
    print(f"(built in {time.perf_counter() - started:.1f} s)\n")
    report_calibration(network)
    report_world(network)
    report_traveller(places, network)


if __name__ == "__main__":
    main()
