"""Minimum connecting times: how long a traveller needs between two flights at one
airport. Published per airport (domestic and international), else a default.

The sandbox's connection search sells only connections that meet them; an airline's
schedule change that leaves less breaks the connection (``domain/schedule_changes.py``).
"""

from __future__ import annotations

from datetime import timedelta

from farebridge.domain.itinerary import Segment

DOMESTIC_MCT_MINUTES = 45
INTERNATIONAL_MCT_MINUTES = 75

# Minimum connecting times in minutes, (domestic, international), where the
# airport publishes its own; elsewhere the defaults above.
MCT_OVERRIDES: dict[str, tuple[int, int]] = {
    "LHR": (60, 90),
    "CDG": (60, 90),
    "JFK": (60, 90),
    "EWR": (60, 90),
    "LAX": (60, 90),
    "FRA": (45, 45),
    "MUC": (30, 35),
    "AMS": (40, 50),
    "MAD": (45, 60),
    "DXB": (60, 75),
    "SIN": (60, 60),
    "HND": (60, 75),
    "NRT": (60, 90),
    "SYD": (60, 90),
    "ATL": (40, 90),
    "ORD": (50, 90),
    "DFW": (45, 75),
    "IAH": (45, 75),
}


def connecting_minutes(airport_code: str, *, domestic: bool) -> int:
    """The minimum connecting time at ``airport_code``, in minutes."""
    default = (DOMESTIC_MCT_MINUTES, INTERNATIONAL_MCT_MINUTES)
    times = MCT_OVERRIDES.get(airport_code, default)
    return times[0] if domestic else times[1]


def minimum_connecting_time(arriving: Segment, departing: Segment) -> timedelta:
    """Between two flights: domestic when all three airports are in one country."""
    domestic = (
        arriving.origin.country_code
        == arriving.destination.country_code
        == departing.destination.country_code
    )
    return timedelta(minutes=connecting_minutes(arriving.destination.iata_code, domestic=domestic))
