"""Fit the sandbox's frequency model again: ``python -m benchmarks.calibrate_frequencies``.

Fits ``beta`` and ``kappa`` of ``world/frequencies.py`` against the reference
routes (``world/calibration.py`` says how), prints each route's modelled and
reference flights a day, and writes ``world/data/frequency_model.json`` (not
with ``--dry-run``). Run it when the data or the model's features change, then
``python -m benchmarks.realism`` to see the result.
"""

from __future__ import annotations

import json
import sys
from importlib import resources

import numpy as np

from farebridge.places_data import load_places
from farebridge.providers.sandbox.world.calibration import (
    Fit,
    levenberg_marquardt,
    refine_minimax,
)
from farebridge.providers.sandbox.world.frequencies import FEATURES

TOLERANCE = 1.6


def main() -> None:
    fit = Fit(load_places())
    start = np.zeros(len(FEATURES) + 1)
    start[-1] = 0.5
    params = refine_minimax(fit, levenberg_marquardt(fit, start))
    model = fit.model(params)
    totals, daily = fit.route_totals(params)
    print(f"world: {2 * daily.sum():,.0f} flights a day; kappa {model.kappa:.3f}")
    outside = 0
    for ref, total in zip(fit.references, totals, strict=True):
        ratio = total / ref.nonstops_per_day
        outside += not 1 / TOLERANCE <= ratio <= TOLERANCE
        route = f"{ref.origin}-{ref.destination}"
        print(f"{route}  {ref.nonstops_per_day:6.1f}  {total:7.1f}  {ratio:5.2f}")
    print(f"{outside} of {len(totals)} outside a factor of {TOLERANCE}")
    if "--dry-run" not in sys.argv:
        path = resources.files("farebridge.providers.sandbox.world").joinpath(
            "data", "frequency_model.json"
        )
        with resources.as_file(path) as target:
            target.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
