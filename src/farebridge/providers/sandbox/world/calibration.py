"""Fitting the frequency model to real routes.

Run ``python -m benchmarks.calibrate_frequencies``.

The reference is ``data/calibration_routes.csv``: average nonstop flights a day
in one direction, all airlines together, on real routes (OAG's busiest-routes
reports and other published figures, each with its source and arithmetic). The
fit minimises the squared log error of every route's modelled flights (its
airlines' routes added up, each at least its floor) plus a penalty that holds
the world near ``TARGET_FLIGHTS_PER_DAY``, by Levenberg-Marquardt with a
numerical Jacobian (numpy only); then ``refine_minimax`` reweights the routes
towards the smallest worst error (the criterion: every route within a factor).
``benchmarks/calibrate_frequencies.py`` runs it and writes
``data/frequency_model.json``; run it again when the data or the features change.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from farebridge.domain.places import PlaceDirectory
from farebridge.providers.sandbox.world.frequencies import (
    FEATURES,
    FIFTH_FREEDOM_MAX_WEEKLY,
    FrequencyModel,
    RouteFeatures,
    Vector,
    airport_traffic,
)
from farebridge.providers.sandbox.world.routes import AIRPORT_SUCCESSORS, route_network

TARGET_FLIGHTS_PER_DAY = 120_000
TOTAL_WEIGHT = 30.0
MINIMAX_TOLERANCE = math.log(1.45)


@dataclass(frozen=True, slots=True)
class ReferenceRoute:
    origin: str
    destination: str
    nonstops_per_day: float  # one direction, all airlines
    airlines: tuple[str, ...]
    period: str
    source: str

    @property
    def pair(self) -> tuple[str, str]:
        ends = sorted(AIRPORT_SUCCESSORS.get(c, c) for c in (self.origin, self.destination))
        return ends[0], ends[1]


@cache
def reference_routes() -> tuple[ReferenceRoute, ...]:
    path = resources.files("farebridge.providers.sandbox.world").joinpath(
        "data", "calibration_routes.csv"
    )
    with path.open(encoding="utf-8") as stream:
        return tuple(
            ReferenceRoute(
                row["origin"],
                row["destination"],
                float(row["nonstops_per_day"]),
                tuple(row["airlines"].split()),
                row["period"],
                row["source"],
            )
            for row in csv.DictReader(stream)
        )


def _floored(daily: Vector, floor_weekly: Vector) -> Vector:
    """A smooth ``max(daily, floor)``, so the fit sees the floors."""
    floor = floor_weekly / 7
    floored: Vector = np.sqrt(daily * daily + floor * floor)
    return floored


class Fit:
    def __init__(self, places: PlaceDirectory) -> None:
        network = route_network(places)
        self.features = RouteFeatures(network, airport_traffic())
        pairs = [(r.first.iata_code, r.second.iata_code) for r in network.routes]
        self.references = reference_routes()
        wanted = {ref.pair for ref in self.references}
        missing = wanted - set(pairs)
        if missing:
            raise ValueError(f"calibration routes without a route in the network: {missing}")
        self.members = [
            np.array([n for n, pair in enumerate(pairs) if pair == ref.pair])
            for ref in self.references
        ]
        self.targets = np.log([ref.nonstops_per_day for ref in self.references])
        self.weights = np.ones(len(self.references))  # per route, for ``refine_minimax``
        self.fifth = self.features.matrix[:, FEATURES.index("fifth_freedom")] > 0

    def model(self, params: Vector) -> FrequencyModel:
        return FrequencyModel(tuple(float(b) for b in params[:-1]), float(params[-1]))

    def route_totals(self, params: Vector) -> tuple[Vector, Vector]:
        flights = self.features.flights_per_day(self.model(params))
        daily = _floored(flights, self.features.floor_weekly)
        daily = np.where(self.fifth, np.minimum(daily, FIFTH_FREEDOM_MAX_WEEKLY / 7), daily)
        return np.array([daily[members].sum() for members in self.members]), daily

    def residuals(self, params: Vector) -> Vector:
        totals, daily = self.route_totals(params)
        world = 2 * daily.sum()
        total_error = TOTAL_WEIGHT * math.log(world / TARGET_FLIGHTS_PER_DAY)
        errors = (np.log(totals) - self.targets) * np.sqrt(self.weights)
        return np.concatenate([errors, [total_error]])

    def worst_factor(self, params: Vector) -> float:
        """The largest factor between a route's modelled and reference flights a day."""
        totals, _ = self.route_totals(params)
        return float(np.exp(np.abs(np.log(totals) - self.targets)).max())


def levenberg_marquardt(fit: Fit, start: Vector, *, iterations: int = 60) -> Vector:
    params, damping = start.copy(), 1e-2
    residual = fit.residuals(params)
    cost = float(residual @ residual)
    for _ in range(iterations):
        jacobian = _jacobian(fit, params, residual)
        normal = jacobian.T @ jacobian
        gradient = jacobian.T @ residual
        improved = False
        while damping < 1e8:
            step = np.linalg.solve(normal + damping * np.diag(np.diag(normal) + 1e-9), -gradient)
            trial = params + step
            trial_residual = fit.residuals(trial)
            trial_cost = float(trial_residual @ trial_residual)
            if trial_cost < cost:
                params, residual, cost = trial, trial_residual, trial_cost
                damping, improved = max(damping / 3, 1e-7), True
                break
            damping *= 4
        if not improved or float(np.abs(step).max()) < 1e-6:
            break
    return params


def refine_minimax(fit: Fit, params: Vector, *, rounds: int = 6) -> Vector:
    """Lawson's reweighting towards the smallest worst error: after each fit, every
    route's weight grows with its error beyond ``MINIMAX_TOLERANCE``, so the routes
    furthest off pull hardest; the parameters with the smallest worst factor win."""
    best, best_worst = params, fit.worst_factor(params)
    for _ in range(rounds):
        totals, _ = fit.route_totals(params)
        errors = np.abs(np.log(totals) - fit.targets)
        weights = fit.weights * np.maximum(1.0, errors / MINIMAX_TOLERANCE) ** 2
        fit.weights = weights / weights.mean()
        params = levenberg_marquardt(fit, params, iterations=30)
        worst = fit.worst_factor(params)
        if worst < best_worst:
            best, best_worst = params, worst
    fit.weights = np.ones(len(fit.references))
    return best


def _jacobian(fit: Fit, params: Vector, residual: Vector) -> Vector:
    columns = []
    for n in range(len(params)):
        step = 1e-4 * max(1.0, abs(params[n]))
        moved = params.copy()
        moved[n] += step
        columns.append((fit.residuals(moved) - residual) / step)
    return np.column_stack(columns)
