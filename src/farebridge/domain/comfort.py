"""A comfort score for an offer's flights: 0 (gruelling) to 100 (a short daytime
nonstop in a premium cabin). Any dialect may sort by it; the Allmyles dialect
shows it as ``comfortScore``.

Each slice starts at 100 and loses points for its elapsed time (first departure to
last arrival, waits included), for each extra flight, for connections that are
very short (under an hour: a missed flight is likely) or long (beyond three hours),
and for red-eye flying (a departure from 22:00 or an arrival before 06:00, local
time). It gains points for a cabin above economy. The offer's score is the mean
of its slices', rounded, within 0-100.
"""

from __future__ import annotations

from datetime import timedelta

from farebridge.domain.itinerary import CabinClass, Slice
from farebridge.domain.offer import Offer

POINTS_PER_HOUR = 2.5
POINTS_PER_EXTRA_FLIGHT = 8.0
TIGHT_CONNECTION = timedelta(hours=1)
TIGHT_CONNECTION_POINTS = 6.0
LONG_CONNECTION = timedelta(hours=3)
LONG_CONNECTION_POINTS_PER_HOUR = 1.5
RED_EYE_POINTS = 10.0
CABIN_POINTS = {
    CabinClass.ECONOMY: 0.0,
    CabinClass.PREMIUM_ECONOMY: 8.0,
    CabinClass.BUSINESS: 15.0,
    CabinClass.FIRST: 20.0,
}


def slice_comfort(item: Slice) -> float:
    score = 100.0 - POINTS_PER_HOUR * item.duration.total_seconds() / 3600
    score -= POINTS_PER_EXTRA_FLIGHT * item.connections
    for before, after in zip(item.segments, item.segments[1:], strict=False):
        wait = after.departing_at - before.arriving_at
        if wait < TIGHT_CONNECTION:
            score -= TIGHT_CONNECTION_POINTS
        elif wait > LONG_CONNECTION:
            extra_hours = (wait - LONG_CONNECTION).total_seconds() / 3600
            score -= LONG_CONNECTION_POINTS_PER_HOUR * extra_hours
    first, last = item.segments[0], item.segments[-1]
    if first.departing_at.hour >= 22 or last.arriving_at.hour < 6:
        score -= RED_EYE_POINTS
    cabins = [segment.cabin_class for segment in item.segments]
    score += sum(CABIN_POINTS[cabin] for cabin in cabins) / len(cabins)
    return score


def comfort_score(offer: Offer) -> int:
    if not offer.slices:
        return 0
    mean = sum(slice_comfort(item) for item in offer.slices) / len(offer.slices)
    return max(0, min(100, round(mean)))
