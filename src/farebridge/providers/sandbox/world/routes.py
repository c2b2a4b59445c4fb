"""The route plan: which airports each airline flies between, at a scale.

In order, each step skipping routes already planned:

1. reference routes (every scale): a full-service airline links its hubs and
   serves each listed destination from its main hub (and, by chance, from its
   other hubs); a low-cost airline serves its destinations from some bases
   (at least the nearest);
2. mainline spokes: from every hub to the biggest airports within 3,000 km;
3. long-haul: from the main hub to big airports 4,000 km or more away;
4. low-cost: from every base to big airports within 2,500 km;
5. regional arms: airports not yet served, biggest first, each linked to the
   nearest hubs (within 1,500 km, home airlines preferred, one airline per
   alliance first) of one to four full-service airlines, until the scale's
   number of airports is served.

Sizes come from ``airport_sizes.py``; randomness from the seed only.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from farebridge.domain.places import Airport, PlaceDirectory, great_circle_km
from farebridge.providers.sandbox.world.aircraft import AIRCRAFT_TYPES
from farebridge.providers.sandbox.world.airport_sizes import (
    SizedAirport,
    chord_limit,
    sized_airports,
)
from farebridge.providers.sandbox.world.reference import AIRLINES, Airline, interline_family
from farebridge.providers.sandbox.world.scales import NetworkScale

LONG_HAUL_KM = 4_000
MIN_ROUTE_KM = 150
MAINLINE_RADIUS_KM = 3_000
LOW_COST_RADIUS_KM = 2_500
LOW_COST_MAX_KM = 3_500
REGIONAL_RADIUS_KM = 1_500
_MAINLINE_POOL = 1_500  # the biggest airports are the mainline candidates
_LONG_HAUL_POOL = 300
_LOW_COST_POOL = 2_500


class RouteKind(StrEnum):
    TRUNK = "trunk"  # between two hubs of the airline
    MAINLINE = "mainline"  # a hub and a destination, narrow-body or wide-body by distance
    REGIONAL = "regional"  # a hub and a small airport nearby, on regional aircraft
    POINT_TO_POINT = "point_to_point"  # a low-cost base and a destination


@dataclass(frozen=True, slots=True)
class PlannedRoute:
    airline: Airline
    hub: Airport  # the origin of the outbound flights: a hub or a base
    other: Airport
    distance_km: float
    kind: RouteKind

    @property
    def is_long_haul(self) -> bool:
        return self.distance_km >= LONG_HAUL_KM


def _reach_km(carrier: Airline, *, regional: bool) -> float:
    fleet = [AIRCRAFT_TYPES[key] for key in carrier.fleet]
    if regional:
        fleet = [a for a in fleet if a.is_regional] or fleet
    reach = max(a.range_km for a in fleet)
    if carrier.is_low_cost and not any(a.is_widebody for a in fleet):
        return min(reach, LOW_COST_MAX_KM)
    return reach


class _Planner:
    def __init__(self, places: PlaceDirectory, scale: NetworkScale, seed: int) -> None:
        self.places = places
        self.scale = scale
        self.seed = seed
        self.sized = sized_airports(places, seed)
        self.by_code = {s.airport.iata_code: s for s in self.sized}
        self.routes: dict[tuple[str, str, str], PlannedRoute] = {}
        self.served: set[str] = set()

    def add(self, carrier: Airline, hub: Airport, other: Airport, kind: RouteKind) -> bool:
        low, high = sorted((hub.iata_code, other.iata_code))
        key = (carrier.iata_code, low, high)
        if key in self.routes or hub.iata_code == other.iata_code:
            return False
        distance = great_circle_km(hub, other)
        if distance < MIN_ROUTE_KM or distance > _reach_km(carrier, regional=False):
            return False
        if kind is RouteKind.REGIONAL and distance > _reach_km(carrier, regional=True):
            kind = RouteKind.MAINLINE
        self.routes[key] = PlannedRoute(carrier, hub, other, distance, kind)
        self.served.update((hub.iata_code, other.iata_code))
        return True

    def airports(self, codes: Iterable[str]) -> list[Airport]:
        return [a for a in map(self.places.airport, codes) if a is not None]

    def plan(self) -> list[PlannedRoute]:
        for carrier in AIRLINES:
            rng = random.Random(f"farebridge-sandbox:{self.seed}:{carrier.iata_code}:routes")
            if carrier.is_low_cost:
                self.reference_low_cost(carrier, rng)
            else:
                self.reference_full_service(carrier, rng)
        for carrier in AIRLINES:
            if carrier.is_low_cost:
                self.low_cost_spokes(carrier)
            else:
                self.mainline_spokes(carrier)
                self.long_haul(carrier)
        self.regional_arms()
        return list(self.routes.values())

    def reference_full_service(self, carrier: Airline, rng: random.Random) -> None:
        hubs = self.airports(carrier.hubs)
        for index, first in enumerate(hubs):
            for second in hubs[index + 1 :]:
                self.add(carrier, first, second, RouteKind.TRUNK)
        for destination in self.airports(carrier.destinations):
            share = self.scale.other_hub_share
            added = [hub for hub in hubs if hub is hubs[0] or rng.random() < share]
            placed = [self.add(carrier, hub, destination, RouteKind.MAINLINE) for hub in added]
            if not any(placed):
                for hub in hubs[1:]:  # out of the main hub's range: the nearest other hub
                    if self.add(carrier, hub, destination, RouteKind.MAINLINE):
                        break

    def reference_low_cost(self, carrier: Airline, rng: random.Random) -> None:
        bases = self.airports(carrier.hubs)
        for destination in self.airports(carrier.destinations) + bases:
            chosen = [
                base
                for base in bases
                if (destination not in bases or base.iata_code < destination.iata_code)
                and rng.random() < self.scale.base_share
            ]
            placed = [self.add(carrier, b, destination, RouteKind.POINT_TO_POINT) for b in chosen]
            if not any(placed) and destination not in bases:
                nearest = sorted(bases, key=lambda b: great_circle_km(b, destination))
                for base in nearest:
                    if self.add(carrier, base, destination, RouteKind.POINT_TO_POINT):
                        break

    def nearby(
        self, hub: Airport, pool: int, *, within_km: float, beyond_km: float = 0.0
    ) -> Iterator[tuple[SizedAirport, float]]:
        """Airports among the ``pool`` biggest between the two distances, with the distance."""
        centre = self.by_code.get(hub.iata_code)
        if centre is None:
            return
        x, y, z = centre.position
        inner, outer = chord_limit(beyond_km), chord_limit(within_km)
        for candidate in self.sized[:pool]:
            cx, cy, cz = candidate.position
            if outer <= x * cx + y * cy + z * cz <= inner:
                yield candidate, great_circle_km(hub, candidate.airport)

    def mainline_spokes(self, carrier: Airline) -> None:
        if not self.scale.mainline_per_hub:
            return
        for index, hub in enumerate(self.airports(carrier.hubs)):
            wanted = round(self.scale.mainline_per_hub * (1.0 if index == 0 else 0.6))
            ranked = sorted(
                self.nearby(hub, _MAINLINE_POOL, within_km=MAINLINE_RADIUS_KM),
                key=lambda item: (-item[0].size / (1 + item[1] / 1500), item[0].airport.iata_code),
            )
            self.add_best(carrier, hub, (s for s, _ in ranked), wanted, RouteKind.MAINLINE)

    def long_haul(self, carrier: Airline) -> None:
        hubs = self.airports(carrier.hubs)
        if not hubs or not self.scale.long_haul_per_airline:
            return
        far = self.nearby(hubs[0], _LONG_HAUL_POOL, within_km=20_000, beyond_km=LONG_HAUL_KM)
        ranked = sorted(far, key=lambda item: (-item[0].size, item[0].airport.iata_code))
        wanted = self.scale.long_haul_per_airline
        self.add_best(carrier, hubs[0], (s for s, _ in ranked), wanted, RouteKind.MAINLINE)

    def low_cost_spokes(self, carrier: Airline) -> None:
        bases = self.airports(carrier.hubs)
        if not bases or not self.scale.low_cost_per_airline:
            return
        wanted = -(-self.scale.low_cost_per_airline // len(bases))
        for base in bases:
            ranked = sorted(
                self.nearby(base, _LOW_COST_POOL, within_km=LOW_COST_RADIUS_KM),
                key=lambda item: (-item[0].size / (1 + item[1] / 1000), item[0].airport.iata_code),
            )
            self.add_best(carrier, base, (s for s, _ in ranked), wanted, RouteKind.POINT_TO_POINT)

    def add_best(
        self,
        carrier: Airline,
        hub: Airport,
        ranked: Iterable[SizedAirport],
        wanted: int,
        kind: RouteKind,
    ) -> None:
        added = 0
        for candidate in ranked:
            if added >= wanted:
                return
            added += self.add(carrier, hub, candidate.airport, kind)

    def regional_arms(self) -> None:
        hubs = [
            (carrier, hub, self.by_code[hub.iata_code].position)
            for carrier in AIRLINES
            if not carrier.is_low_cost
            for hub in self.airports(carrier.hubs)
            if hub.iata_code in self.by_code
        ]
        limit = chord_limit(REGIONAL_RADIUS_KM)
        for candidate in self.sized:
            if len(self.served) >= self.scale.airports:
                return
            if candidate.airport.iata_code in self.served:
                continue
            x, y, z = candidate.position
            near = [
                (carrier, hub)
                for carrier, hub, (hx, hy, hz) in hubs
                if x * hx + y * hy + z * hz >= limit
            ]
            self.link_regional(candidate, near)

    def link_regional(self, candidate: SizedAirport, near: list[tuple[Airline, Airport]]) -> None:
        airport = candidate.airport

        def preference(item: tuple[Airline, Airport]) -> tuple[float, str]:
            carrier, hub = item
            home = 0.5 if carrier.country_code == airport.country_code else 1.0
            return home * great_circle_km(hub, airport), carrier.iata_code

        wanted = 2 + (candidate.size >= 2.5) + (candidate.size >= 3.5)
        ranked = sorted(near, key=preference)
        families: set[str] = set()
        taken: set[str] = set()
        # one airline per interline family first, so the airport connects to more of
        # the world; then the nearest remaining ones
        for distinct_families in (True, False):
            for carrier, hub in ranked:
                if len(taken) >= wanted:
                    return
                family = interline_family(carrier)
                if carrier.iata_code in taken or (distinct_families and family in families):
                    continue
                if self.add(carrier, hub, airport, RouteKind.REGIONAL):
                    taken.add(carrier.iata_code)
                    families.add(family)


def plan_routes(places: PlaceDirectory, scale: NetworkScale, *, seed: int) -> list[PlannedRoute]:
    """Every airline's routes at ``scale``, in a fixed order (the same seed, the same plan)."""
    return _Planner(places, scale, seed).plan()
