"""The sandbox connection search at world scale: ``python -m benchmarks.search_world``.

Prints, for the record (nothing here asserts a time; figures on a shared
machine are noisy):

1. build time (from scratch, and from the disk cache) and size of the world
   network;
2. index build time (and per 100,000 flights), then p50/p95/p99 of the search
   function itself over 1,200 one-way queries (at most two connections, the
   default cap of 200 itineraries per slice, and the old cap of 50) after 200
   warm-up queries, in three passes (each percentile is the median of the
   passes: the machine is shared). Origin and destination are drawn
   independently, weighted by each airport's traffic (its flights a day: the
   busy airports are asked for most, as on a real site); dates uniformly over
   the 330 bookable days. A second sample draws every served airport alike
   (mostly small airports);
3. the scaling table: networks of 25k, 50k, 100k and 200k flights a day (below
   the world's own size, the routes between the busiest airports; above it, the
   world flown more often), the same kind of queries, and how p95 grows per
   doubling;
4. resident memory of a fresh process holding the ``world`` network and its
   index after a year of searches and of materialised day boards;
5. the plain exhaustive enumerator on the first queries of (2): its time,
   the speed-up, and whether both find the same best itineraries.

After building, the process runs ``gc.collect(); gc.freeze()``, as a server
would after loading: the network's ~10^6 long-lived objects then stay out of
the cyclic garbage collector's full passes (the line "without gc.freeze()"
shows what those passes cost the tail).
"""

from __future__ import annotations

import gc
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from farebridge.domain.places import PlaceDirectory
from farebridge.places_data import load_places
from farebridge.providers.sandbox.search.engine import search_itineraries
from farebridge.providers.sandbox.search.exhaustive import exhaustive_itineraries
from farebridge.providers.sandbox.search.index import search_index
from farebridge.providers.sandbox.search.itineraries import (
    DEFAULT_LIMIT,
    DEFAULT_MAX_WORK,
    ItineraryResult,
    SliceQuery,
)
from farebridge.providers.sandbox.world.cache import cached_patterns
from farebridge.providers.sandbox.world.network import Network, build_network

T = TypeVar("T")
SEED = 7
FIRST_DAY = date(2026, 12, 1)
BOOKABLE_DAYS = 330
WARM_UP, TIMED = 200, 1_200
SCALING_TARGETS = (25_000, 50_000, 100_000, 200_000)
EXHAUSTIVE_QUERIES = 60
EXHAUSTIVE_BUDGET_SECONDS = 240.0


def timed(function: Callable[[], T]) -> tuple[T, float]:
    """The result, and the seconds it took."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(samples_ms: Sequence[float]) -> str:
    return (
        f"n={len(samples_ms):>5}  p50={percentile(samples_ms, 0.5):6.2f} ms  "
        f"p95={percentile(samples_ms, 0.95):6.2f} ms  p99={percentile(samples_ms, 0.99):6.2f} ms  "
        f"max={max(samples_ms):6.1f} ms"
    )


def sample_queries(
    places: PlaceDirectory, network: Network, count: int, *, by: str = "traffic", seed: int = 11
) -> list[SliceQuery]:
    """One-way queries, ≤ 2 connections; ends weighted by traffic (flights a day), or
    every served airport alike."""
    weights: Counter[str] = Counter()
    if by == "traffic":
        for pattern in network.patterns:
            weights[pattern.origin.iata_code] += len(pattern.weekdays)
    else:
        weights.update(dict.fromkeys(network.airports(), 1))
    codes = sorted(weights)
    rng = random.Random(seed)
    queries: list[SliceQuery] = []
    while len(queries) < count:
        origin, destination = rng.choices(codes, [weights[c] for c in codes], k=2)
        if origin == destination:
            continue
        day = FIRST_DAY + timedelta(days=rng.randrange(BOOKABLE_DAYS))
        ends = places.expand(origin), places.expand(destination)
        queries.append(SliceQuery(ends[0], ends[1], day, max_connections=2))
    return queries


@dataclass
class Run:
    """Timings of one pass over the queries (results are counted, not kept: a server
    does not keep them either, and keeping them would feed the garbage collector)."""

    samples_ms: list[float] = field(default_factory=list)
    answered: int = 0
    found: int = 0
    truncated: int = 0
    work: list[int] = field(default_factory=list)


def run_queries(network: Network, queries: Sequence[SliceQuery], limit: int = DEFAULT_LIMIT) -> Run:
    run = Run()
    for query in queries:
        started = time.perf_counter()
        result = search_itineraries(network, query, limit=limit)
        run.samples_ms.append((time.perf_counter() - started) * 1000)
        run.answered += bool(result.itineraries)
        run.found += len(result.itineraries)
        run.truncated += result.truncated
        run.work.append(result.work)
    return run


def rounds(
    network: Network, queries: Sequence[SliceQuery], count: int = 3, limit: int = DEFAULT_LIMIT
) -> list[Run]:
    """``count`` timed passes over the queries, after a warm-up pass over the first 200."""
    run_queries(network, queries[:WARM_UP], limit)
    return [run_queries(network, queries[WARM_UP:], limit) for _ in range(count)]


def median_summary(runs: Sequence[Run]) -> str:
    """Each percentile as the median over the passes, and the range of p95."""

    def middle(share: float) -> float:
        return statistics.median(percentile(run.samples_ms, share) for run in runs)

    p95s = [percentile(run.samples_ms, 0.95) for run in runs]
    return (
        f"n={len(runs[0].samples_ms)}x{len(runs)}  p50={middle(0.5):6.2f} ms  "
        f"p95={middle(0.95):6.2f} ms  p99={middle(0.99):6.2f} ms  "
        f"(p95 over passes {min(p95s):.2f}-{max(p95s):.2f} ms; "
        f"max {max(max(run.samples_ms) for run in runs):.0f} ms)"
    )


def build(places: PlaceDirectory, target: int | None = None) -> tuple[Network, float, float]:
    """A network, its build seconds and its index build seconds."""
    network, build_s = timed(
        lambda: build_network(places, seed=SEED, target_flights_per_day=target)
    )
    _, index_s = timed(lambda: search_index(network))
    gc.collect()
    gc.freeze()
    return network, build_s, index_s


def report_builds(places: PlaceDirectory) -> Network:
    print("== 1. The world network")
    world, build_s, index_s = build(places)
    with tempfile.TemporaryDirectory() as cache:
        cached_patterns(places, SEED, Path(cache), lambda: world.patterns)  # writes it
        loaded, load_s = timed(
            lambda: Network(
                cached_patterns(places, SEED, Path(cache), lambda: ()), seed=SEED, scale="world"
            )
        )
        assert len(loaded.patterns) == len(world.patterns)
    print(
        f"build {build_s:5.2f} s (from the disk cache {load_s:4.2f} s)  "
        f"{world.flights_per_day():>9,.0f} flights/day  {len(world.airports()):>5,} airports  "
        f"{len(world.patterns):>7,} patterns  index {index_s:5.2f} s "
        f"({index_s / world.flights_per_day() * 1e5:4.2f} s per 100k)"
    )
    return world


def report_world(places: PlaceDirectory, world: Network) -> tuple[list[SliceQuery], list[float]]:
    print(
        f"\n== 2. Search on world (one-way, ≤2 connections, top {DEFAULT_LIMIT}, "
        f"{TIMED} queries x 3 passes)"
    )
    queries = sample_queries(places, world, WARM_UP + TIMED)
    runs = rounds(world, queries)
    print(f"by traffic            {median_summary(runs)}")
    first = runs[0]
    print(
        f"    {first.answered} of {TIMED} answered, {first.found / TIMED:.1f} itineraries on "
        f"average, {first.truncated} truncated; work: median "
        f"{statistics.median(first.work):,.0f} index rows, max {max(first.work):,} "
        f"(bound {DEFAULT_MAX_WORK:,}: hit {sum(w > DEFAULT_MAX_WORK for w in first.work)} times)"
    )
    print(f"top 50 (the old cap)  {median_summary(rounds(world, queries, limit=50))}")
    gc.unfreeze()
    print(f"without gc.freeze()   {median_summary(rounds(world, queries, 1))}")
    gc.freeze()
    anywhere = sample_queries(places, world, WARM_UP + TIMED, by="airport", seed=12)
    print(f"any airport alike     {median_summary(rounds(world, anywhere))}")
    return queries[WARM_UP:], runs[0].samples_ms


def report_scaling(places: PlaceDirectory) -> None:
    print(f"\n== 3. Scaling (queries by traffic, {TIMED} timed x 3 passes after {WARM_UP} warm-up)")
    print(
        f"{'flights/day':>12} {'airports':>9} {'build':>8} {'index':>8} {'index/100k':>11} "
        f"{'p50':>8} {'p95':>8} {'p99':>8} {'p95 growth':>11}"
    )
    previous: float | None = None
    for target in SCALING_TARGETS:
        network, build_s, index_s = build(places, target)
        runs = rounds(network, sample_queries(places, network, WARM_UP + TIMED, seed=13))
        p50, p95, p99 = (
            statistics.median(percentile(run.samples_ms, share) for run in runs)
            for share in (0.5, 0.95, 0.99)
        )
        growth = f"{p95 / previous:10.2f}x" if previous else f"{'-':>11}"
        print(
            f"{network.flights_per_day():>12,.0f} {len(network.airports()):>9,} {build_s:7.2f}s "
            f"{index_s:7.2f}s {index_s / network.flights_per_day() * 1e5:10.2f}s "
            f"{p50:7.2f}ms {p95:7.2f}ms {p99:7.2f}ms {growth}"
        )
        previous = p95
        gc.unfreeze()
        del network
        gc.collect()


def report_memory() -> None:
    print("\n== 4. Resident memory of a fresh process holding the world network")
    probe = subprocess.run(
        [sys.executable, "-m", "benchmarks.search_world", "--memory-probe"],
        capture_output=True,
        text=True,
        check=True,
    )
    print(probe.stdout.rstrip())


def _memory_kb() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in kB, from /proc/self/status."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount = line.split(":")
                values[key] = int(amount.split()[0])
    return values["VmRSS"], values["VmHWM"]


def memory_probe() -> None:
    """Run in a subprocess: world network, a year of searches and of day boards."""
    places = load_places()
    world, _, _ = build(places)
    loaded = _memory_kb()[0]
    queries = sample_queries(places, world, 2_000, seed=21)
    year = [FIRST_DAY + timedelta(days=offset % 365) for offset in range(2_000)]
    for query, day in zip(queries, year, strict=True):
        search_itineraries(world, SliceQuery(query.origins, query.destinations, day, 2))
    searched = _memory_kb()[0]
    airports = sorted(world.airports())
    days = [FIRST_DAY + timedelta(days=14 * n) for n in range(27)]  # every 2 weeks, a year
    materialised = sum(len(world.flights_from(code, day)) for day in days for code in airports)
    rss, peak = _memory_kb()
    boards, cached = world.cached_boards()
    print(f"after loading world + index              {loaded / 1024:7.0f} MB")
    print(f"after 2,000 searches over 365 days       {searched / 1024:7.0f} MB")
    print(
        f"after materialising every airport's day board on {len(days)} days across a year\n"
        f"  ({materialised:,} flights made; the LRU cache keeps {boards:,} boards, "
        f"{cached:,} flights)        {rss / 1024:7.0f} MB  (peak {peak / 1024:.0f} MB)"
    )


def report_exhaustive(
    world: Network, queries: Sequence[SliceQuery], fast_ms: Sequence[float]
) -> None:
    print(f"\n== 5. Exhaustive enumerator on the first queries of (2), up to {EXHAUSTIVE_QUERIES}")
    fast_total = slow_total = 0.0
    top_mismatches = list_mismatches = done = 0
    for query, fast_sample in zip(queries[:EXHAUSTIVE_QUERIES], fast_ms, strict=False):
        fast = search_itineraries(world, query)
        started = time.perf_counter()
        slow = exhaustive_itineraries(world, query)
        slow_total += time.perf_counter() - started
        fast_total, done = fast_total + fast_sample / 1000, done + 1
        top_mismatches += _top(fast) != _top(slow)
        list_mismatches += [i.key for i in fast.itineraries] != [i.key for i in slow.itineraries]
        if slow_total > EXHAUSTIVE_BUDGET_SECONDS:
            break
    print(
        f"{done} queries: exhaustive {slow_total:7.1f} s "
        f"({slow_total / done * 1000:7.0f} ms each), indexed {fast_total * 1000:6.0f} ms "
        f"({fast_total / done * 1000:5.2f} ms each): "
        f"speed-up {slow_total / fast_total:,.0f}x"
    )
    print(
        f"best itinerary (departure, arrival) differs in {top_mismatches} of {done}; "
        f"the whole top-{DEFAULT_LIMIT} list differs in {list_mismatches} of {done}"
    )


def _top(result: ItineraryResult) -> tuple[int, int] | None:
    if not result.itineraries:
        return None
    best = result.itineraries[0]
    return best.departure_minute, best.arrival_minute


def main() -> None:
    if "--memory-probe" in sys.argv:
        memory_probe()
        return
    started = time.perf_counter()
    places = load_places()
    world = report_builds(places)
    queries, samples = report_world(places, world)
    report_scaling(places)
    report_memory()
    report_exhaustive(world, queries, samples)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
