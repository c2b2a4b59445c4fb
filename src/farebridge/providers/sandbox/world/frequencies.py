"""How often each route is flown: a gravity model calibrated against real routes.

Each airline route gets an *attraction* ``u = exp(features · beta)`` from what
the data says about it and its market (the airport pair):

- the size of both airports: yearly passengers (``data/airport_traffic.csv``,
  2019, ACI and national figures; the other airports estimated from how many
  routes they have, scaled so that the world totals ACI's 9.1 billion);
- the distance (log and log squared: short hops compete with trains, long-haul
  flies bigger aircraft less often), and whether it is domestic;
- how big the seller is at both ends (its routes there: hub effects), whether
  it is a low-cost seller or a regional operator, whether only wide-bodies are
  listed, how many aircraft types it lists;
- the market: how many airlines fly it and how many sell it as a codeshare;
- the cities' traffic (all airports of LON, NYC…), and whether the route is a
  fifth-freedom one.

Airports also bound the total: an airport's departures a day are its passengers
over the seats of its flights (the routes' listed aircraft, 80 % full), and
balancing factors ``x`` (iterative proportional fitting, as in a doubly
constrained gravity model) would make every airport fly exactly that. The model
takes the middle way, ``flights = u · (x_a · x_b) ** kappa``: ``kappa = 0`` is
a pure gravity model, ``1`` fully constrained. ``beta`` and ``kappa`` are fitted
by ``calibration.py`` against the real routes of ``data/calibration_routes.csv``
(with the world total held near 120,000 flights a day) and stored in
``data/frequency_model.json``; nothing here is fitted at run time.

Frequencies are flights a week per direction, at least ``MIN_WEEKLY`` (daily on a
lifeline: a domestic route to a small airport with few routes, twice daily when
the other end is a big airport); a
fifth-freedom route (between two countries foreign to its airline) at most daily.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np
from numpy.typing import NDArray

from farebridge.domain.places import CITIES
from farebridge.providers.sandbox.world.aircraft import aircraft_type
from farebridge.providers.sandbox.world.airlines import BusinessModel
from farebridge.providers.sandbox.world.routes import AirlineRoute, RouteNetwork

WORLD_PASSENGERS_MILLIONS = 9_100.0  # ACI World, 2019: passengers counted at both ends
LOAD_FACTOR = 0.8
DEFAULT_SEATS = 120
MIN_WEEKLY = 3
LIFELINE_WEEKLY = 7  # a domestic route to a small airport with few routes: daily
LIFELINE_TO_A_CITY_WEEKLY = 14  # twice daily when the other end is a big airport
LIFELINE_CITY_PASSENGERS_MILLIONS = 5.0
LIFELINE_MAX_ROUTES = 12
LIFELINE_MAX_PASSENGERS_MILLIONS = 1.0
MAX_DAILY = 60  # per airline and direction
BALANCING_ITERATIONS = 60
FEATURES = (
    "intercept",
    "log_codeshare_airlines",
    "log_market_aircraft_types",
    "log_bigger_airport",
    "log_smaller_airport",
    "log_distance",
    "log_distance_squared",
    "domestic",
    "log_seller_presence_bigger",
    "log_seller_presence_smaller",
    "log_route_aircraft_types",
    "widebody_only",
    "low_cost",
    "regional",
    "log_market_airlines",
    "log_bigger_city",
    "log_smaller_city",
    "fifth_freedom",
    "log_hub_airlines",
)
# One aviation market: an airline of these countries flies between any two of them
# as if at home (the EU, the EEA, Switzerland; the United Kingdom in the 2014 data).
_EUROPE = "AT BE BG CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO"
SINGLE_MARKET = frozenset((_EUROPE + " SE SI SK CH").split())
FIFTH_FREEDOM_MAX_WEEKLY = 7  # a flight between two foreign countries: at most daily

Vector = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FrequencyModel:
    beta: tuple[float, ...]
    kappa: float

    def to_json(self) -> dict[str, object]:
        return {"features": list(FEATURES), "beta": list(self.beta), "kappa": self.kappa}


def _data_path(name: str) -> Traversable:
    return resources.files("farebridge.providers.sandbox.world").joinpath("data", name)


@cache
def fitted_model() -> FrequencyModel:
    """The coefficients ``calibration.py`` fitted (``data/frequency_model.json``)."""
    raw = json.loads(_data_path("frequency_model.json").read_text(encoding="utf-8"))
    if list(raw["features"]) != list(FEATURES):
        raise ValueError("frequency_model.json was fitted for other features; recalibrate")
    return FrequencyModel(tuple(float(b) for b in raw["beta"]), float(raw["kappa"]))


@cache
def airport_traffic() -> dict[str, float]:
    """Yearly passengers (millions) of the airports the table names."""
    with _data_path("airport_traffic.csv").open(encoding="utf-8") as stream:
        return {row["iata"]: float(row["passengers_millions"]) for row in csv.DictReader(stream)}


class RouteFeatures:
    """The feature matrix of a route network, and what the airport balance needs."""

    def __init__(self, network: RouteNetwork, traffic: Mapping[str, float]) -> None:
        routes = network.routes
        codes = sorted({code for r in routes for code in (r.first.iata_code, r.second.iata_code)})
        self.codes = codes
        index = {code: n for n, code in enumerate(codes)}
        self.first = np.array([index[r.first.iata_code] for r in routes])
        self.second = np.array([index[r.second.iata_code] for r in routes])
        pairs = [(r.first.iata_code, r.second.iata_code) for r in routes]
        market_ids = {pair: n for n, pair in enumerate(sorted(set(pairs)))}
        self.market = np.array([market_ids[pair] for pair in pairs])
        self.market_count = len(market_ids)
        self.passengers = _passengers(routes, codes, index, traffic)
        self.seats = np.array([_route_seats(r) for r in routes], dtype=float)
        self.matrix = self._matrix(network, routes, index)
        self.floor_weekly = self._floors(routes, index)

    def _floors(self, routes: Sequence[AirlineRoute], index: dict[str, int]) -> Vector:
        """At least ``MIN_WEEKLY``; daily on a lifeline (a domestic route to a small
        airport with few routes: the Scottish islands, Alaska's villages)."""
        count = np.bincount(self.first, minlength=len(self.codes)) + np.bincount(
            self.second, minlength=len(self.codes)
        )
        small = (count <= LIFELINE_MAX_ROUTES) & (
            self.passengers < LIFELINE_MAX_PASSENGERS_MILLIONS
        )
        domestic = np.array([r.first.country_code == r.second.country_code for r in routes])
        lifeline = domestic & (small[self.first] | small[self.second])
        big = self.passengers >= LIFELINE_CITY_PASSENGERS_MILLIONS
        to_a_city = lifeline & (big[self.first] | big[self.second])
        floors: Vector = np.where(
            to_a_city,
            float(LIFELINE_TO_A_CITY_WEEKLY),
            np.where(lifeline, float(LIFELINE_WEEKLY), float(MIN_WEEKLY)),
        )
        return floors

    def _matrix(
        self, network: RouteNetwork, routes: Sequence[AirlineRoute], index: dict[str, int]
    ) -> Vector:
        presence: dict[tuple[str, str], int] = {}
        airlines_on: dict[tuple[str, str], int] = {}
        hub_airlines: dict[tuple[str, str], int] = {}  # its airlines with a hub at an end
        for r in routes:
            for end in (r.first.iata_code, r.second.iata_code):
                key = (r.seller.iata_code, end)
                presence[key] = presence.get(key, 0) + 1
            pair = (r.first.iata_code, r.second.iata_code)
            airlines_on[pair] = airlines_on.get(pair, 0) + 1
            if set(pair) & set(r.seller.hubs):
                hub_airlines[pair] = hub_airlines.get(pair, 0) + 1
        log_p = np.log(self.passengers)
        log_city = np.log(_city_passengers(codes_of(index), self.passengers))
        rows = []
        for n, r in enumerate(routes):
            pair = (r.first.iata_code, r.second.iata_code)
            market = network.markets[pair]
            sizes = sorted((log_p[index[pair[0]]], log_p[index[pair[1]]]))
            cities = sorted((log_city[index[pair[0]]], log_city[index[pair[1]]]))
            here = sorted(math.log(presence[(r.seller.iata_code, end)]) for end in pair)
            distance = math.log(max(r.distance_km, 5.0))
            rows.append(
                (
                    1.0,
                    math.log1p(market.codeshare_airlines),
                    math.log(max(1, market.listed_aircraft)),
                    sizes[1],
                    sizes[0],
                    distance,
                    distance * distance,
                    float(r.first.country_code == r.second.country_code),
                    here[1],
                    here[0],
                    math.log(max(1, len(r.equipment))),
                    float(_widebody_only(r)),
                    float(r.seller.is_low_cost),
                    float(r.operator.business_model is BusinessModel.REGIONAL),
                    math.log(airlines_on[pair]),
                    cities[1],
                    cities[0],
                    float(is_fifth_freedom(r)),
                    math.log1p(hub_airlines.get(pair, 0)),
                )
            )
            assert len(rows[n]) == len(FEATURES)
        return np.array(rows, dtype=float)

    def flights_per_day(self, model: FrequencyModel) -> Vector:
        """Flights a day per direction of every route, before rounding and floors."""
        attraction = np.exp(np.clip(self.matrix @ np.array(model.beta), -50.0, 50.0))
        balance = self._balancing(attraction)
        flights: Vector = attraction * (balance[self.first] * balance[self.second]) ** model.kappa
        return flights

    def _balancing(self, attraction: Vector) -> Vector:
        count = len(self.codes)
        first, second = self.first, self.second
        weight_at = np.bincount(first, attraction, count) + np.bincount(second, attraction, count)
        seats_at = np.bincount(first, attraction * self.seats, count) + np.bincount(
            second, attraction * self.seats, count
        )
        per_flight = LOAD_FACTOR * seats_at / np.maximum(weight_at, 1e-300)
        departures = self.passengers * 1e6 / 365 / 2 / np.maximum(per_flight, 1.0)
        x = np.sqrt(departures / np.maximum(weight_at, 1e-300))
        for _ in range(BALANCING_ITERATIONS):
            flown = np.bincount(first, attraction * x[second], count) + np.bincount(
                second, attraction * x[first], count
            )
            x = np.sqrt(x * departures / np.maximum(flown, 1e-300))
        balance: Vector = x
        return balance


def is_fifth_freedom(route: AirlineRoute) -> bool:
    """Neither end in the seller's country (nor, for a European airline, in the single
    market): Kuwait Airways London-New York, Emirates Milan-New York."""
    home = route.seller.country_code
    countries = {route.first.country_code, route.second.country_code}
    if home in countries:
        return False
    return not (home in SINGLE_MARKET and countries <= SINGLE_MARKET)


def codes_of(index: Mapping[str, int]) -> list[str]:
    return sorted(index, key=index.__getitem__)


def _city_passengers(codes: Sequence[str], passengers: Vector) -> Vector:
    """Each airport's metropolitan traffic: the sum over its city's airports (LON, NYC…)."""
    position = {code: n for n, code in enumerate(codes)}
    totals = passengers.copy()
    for city in CITIES:
        members = [position[code] for code in city.airport_codes if code in position]
        if len(members) > 1:
            totals[members] = passengers[members].sum()
    return totals


def _widebody_only(route: AirlineRoute) -> bool:
    types = [aircraft_type(code) for code in route.equipment]
    return bool(types) and all(t is not None and t.is_widebody for t in types)


def _route_seats(route: AirlineRoute) -> float:
    types = [aircraft_type(code, single_class=route.seller.is_low_cost) for code in route.equipment]
    seats = [t.seats for t in types if t is not None]
    return sum(seats) / len(seats) if seats else DEFAULT_SEATS


def _passengers(
    routes: Sequence[AirlineRoute],
    codes: Sequence[str],
    index: dict[str, int],
    traffic: Mapping[str, float],
) -> Vector:
    """Yearly passengers (millions) per airport: the table, else estimated from its routes
    (log-linear in its route and destination counts, fitted on the known airports), the
    estimates scaled so that the world adds up to ``WORLD_PASSENGERS_MILLIONS``."""
    route_count = np.zeros(len(codes))
    destinations: list[set[str]] = [set() for _ in codes]
    for r in routes:
        a, b = index[r.first.iata_code], index[r.second.iata_code]
        route_count[a] += 1
        route_count[b] += 1
        destinations[a].add(r.second.iata_code)
        destinations[b].add(r.first.iata_code)
    design = np.column_stack(
        [np.ones(len(codes)), np.log(route_count), np.log([len(d) for d in destinations])]
    )
    known = np.array([code in traffic for code in codes])
    values = np.array([traffic.get(code, 1.0) for code in codes])
    fit, *_ = np.linalg.lstsq(design[known], np.log(values[known]), rcond=None)
    estimated = np.exp(design @ fit)
    rest = max(WORLD_PASSENGERS_MILLIONS - values[known].sum(), 0.0)
    scale = rest / max(estimated[~known].sum(), 1e-9)
    result: Vector = np.where(known, values, estimated * scale)
    return result


def weekly_frequencies(
    network: RouteNetwork,
    model: FrequencyModel | None = None,
    *,
    traffic: Mapping[str, float] | None = None,
    scale: float = 1.0,
) -> list[int]:
    """Flights a week per direction for each route of ``network``, in its order."""
    features = RouteFeatures(network, airport_traffic() if traffic is None else traffic)
    daily = features.flights_per_day(model or fitted_model()) * scale
    weekly = np.clip(np.maximum(np.rint(daily * 7), features.floor_weekly), 0, MAX_DAILY * 7)
    fifth = features.matrix[:, FEATURES.index("fifth_freedom")] > 0
    weekly = np.where(fifth, np.minimum(weekly, FIFTH_FREEDOM_MAX_WEEKLY), weekly)
    return [int(w) for w in weekly]
