"""Itinerary search for one slice over the sandbox network.

The rules an itinerary obeys, the query and the result are in
``itineraries.py``; the search itself runs over a compact index of the
schedule patterns (``index.py``, built once per network) in
``connections.py``; ``exhaustive.py`` is a plain enumerator of the same rules
that tests and the benchmark compare it with.
"""

from __future__ import annotations

from datetime import datetime

from farebridge.domain.places import PlaceDirectory
from farebridge.domain.search import SliceRequest
from farebridge.providers.sandbox.search.connections import find_itineraries
from farebridge.providers.sandbox.search.index import search_index
from farebridge.providers.sandbox.search.itineraries import (
    DEFAULT_LIMIT,
    DEFAULT_MAX_WORK,
    MCT_OVERRIDES,
    ConnectionRules,
    Itinerary,
    ItineraryResult,
    SliceQuery,
    ranking_key,
)
from farebridge.providers.sandbox.world.network import Network

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MAX_WORK",
    "MCT_OVERRIDES",
    "ConnectionRules",
    "Itinerary",
    "ItineraryResult",
    "SliceQuery",
    "ranking_key",
    "search_itineraries",
    "slice_query",
]


def slice_query(
    places: PlaceDirectory,
    request: SliceRequest,
    *,
    max_connections: int,
    preferred_airlines: tuple[str, ...] = (),
    earliest_departure: datetime | None = None,
) -> SliceQuery:
    """The query for one requested slice; city codes expand to their airports; nothing
    leaves before ``earliest_departure`` (the booking lead time after now)."""
    earliest = None
    if earliest_departure is not None:
        earliest = -(-int(earliest_departure.timestamp()) // 60)  # the next whole minute
    return SliceQuery(
        origins=places.expand(request.origin),
        destinations=places.expand(request.destination),
        departure_on=request.departure_date,
        max_connections=max_connections,
        departure_time=request.departure_time,
        arrival_time=request.arrival_time,
        preferred_airlines=frozenset(code.upper() for code in preferred_airlines),
        earliest_departure_minute=earliest,
    )


def search_itineraries(
    network: Network,
    query: SliceQuery,
    *,
    rules: ConnectionRules | None = None,
    limit: int = DEFAULT_LIMIT,
    max_work: int = DEFAULT_MAX_WORK,
) -> ItineraryResult:
    """Itineraries for ``query`` ranked by (duration, departure), at most ``limit``."""
    return find_itineraries(
        search_index(network), query, rules or ConnectionRules(), limit=limit, max_work=max_work
    )
