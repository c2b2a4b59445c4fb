"""How big a sandbox network is: named scales and scales sized to a target.

- ``dev``: the routes written down in ``reference.py`` only, fewer of them
  flown from secondary hubs and bases (about 600 airports, ~6,000 flights a
  day); builds in a fraction of a second.
- ``world``: the reference routes plus generated ones: mainline spokes from
  every hub to the bigger airports around it, extra long-haul, low-cost
  routes from every base, and regional arms from the hubs to small airports
  within ~1,500 km, until ~3,800 airports are served; ~110,000 flights a day.
- a target (``target_flights_per_day``): a world-like network whose airports
  and routes grow with the target (airports ~ target^0.6) and whose
  frequencies make up the rest; used by the benchmark's scaling table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NetworkScale:
    name: str
    flights_per_day: int  # the average over a week that frequencies are scaled to
    airports: int  # served airports the regional arms fill up to (0: no regional arms)
    mainline_per_hub: int  # generated mainline spokes from a main hub (60 % elsewhere)
    long_haul_per_airline: int  # generated long-haul routes from a main hub
    low_cost_per_airline: int  # generated routes of a low-cost airline, over its bases
    other_hub_share: float = 0.35  # chance a listed destination is served from another hub too
    base_share: float = 0.55  # chance a low-cost destination is served from a given base


DEV = NetworkScale("dev", 8_000, 0, 0, 0, 0, other_hub_share=0.15)
WORLD = NetworkScale("world", 110_000, 3_800, 45, 6, 150)
SCALES: dict[str, NetworkScale] = {scale.name: scale for scale in (DEV, WORLD)}


def network_scale(
    scale: str | NetworkScale = "dev", *, target_flights_per_day: int | None = None
) -> NetworkScale:
    """The named scale, or (given a target) a world-like scale of that many flights a day."""
    if target_flights_per_day is None:
        if isinstance(scale, NetworkScale):
            return scale
        try:
            return SCALES[scale]
        except KeyError:
            raise ValueError(f"unknown sandbox scale {scale!r}; one of {sorted(SCALES)}") from None
    if target_flights_per_day <= 0:
        raise ValueError("target_flights_per_day must be positive")
    ratio = target_flights_per_day / WORLD.flights_per_day
    return NetworkScale(
        name=f"{target_flights_per_day}/day",
        flights_per_day=target_flights_per_day,
        airports=round(WORLD.airports * ratio**0.6),
        mainline_per_hub=round(WORLD.mainline_per_hub * ratio**0.5),
        long_haul_per_airline=round(WORLD.long_haul_per_airline * ratio**0.5),
        low_cost_per_airline=round(WORLD.low_cost_per_airline * ratio**0.6),
    )
