"""Reference data a client may list: the airlines and aircraft types the engine knows."""

from __future__ import annotations

from dataclasses import dataclass

from farebridge.domain.itinerary import Aircraft, Carrier


@dataclass(frozen=True, slots=True)
class ReferenceData:
    airlines: tuple[Carrier, ...] = ()  # sorted by IATA code
    aircraft: tuple[Aircraft, ...] = ()  # sorted by IATA code
