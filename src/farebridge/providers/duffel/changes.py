"""Changing a Duffel order in place: which of Duffel's slices a change removes, what it
asks for, and which of Duffel's change offers is the offer our customer chose.

Our order's slices carry our own ids (``mapping.OurIds``), so a slice to remove is
found in Duffel's order by its flights (marketing carrier and number, in order);
the new flights are found among Duffel's change offers the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from farebridge.domain.errors import InvalidState
from farebridge.domain.itinerary import Slice
from farebridge.domain.offer import Offer
from farebridge.providers.duffel.mapping import Json
from farebridge.providers.duffel.orders import flight_of

Flights = tuple[str, ...]


def flights(item: Slice) -> Flights:
    return tuple(
        f"{segment.marketing_carrier.iata_code}{segment.marketing_carrier_flight_number}"
        for segment in item.segments
    )


def _wire_flights(item: Json) -> Flights:
    return tuple(flight_of(segment) for segment in item.get("segments") or [])


def _departure_day(item: Json) -> str:
    segments = item.get("segments") or [{}]
    return str(segments[0].get("departing_at") or "")[:10]


def change_request_body(order: Json, removed: Sequence[Slice], offer: Offer) -> Json:
    """``POST /air/order_change_requests`` for Duffel's ``order``: remove the slices flying
    ``removed``'s flights, add ``offer``'s routes on its dates in its cabin."""
    remaining = list(order.get("slices") or [])
    remove: list[Json] = []
    for item in removed:
        wanted, day = flights(item), item.departing_at.date().isoformat()
        matches = [s for s in remaining if _wire_flights(s) == wanted]
        if not matches:
            raise InvalidState(
                f"The airline's booking no longer flies {', '.join(wanted)}; sync the order "
                "and request the change again.",
                code="booking_out_of_date",
            )
        # the same flights twice in one order (rare): the one on the slice's day
        match = next((s for s in matches if _departure_day(s) == day), matches[0])
        remaining.remove(match)
        remove.append({"slice_id": match["id"]})
    add = [
        {
            "origin": item.origin.iata_code,
            "destination": item.destination.iata_code,
            "departure_date": item.departing_at.date().isoformat(),
            "cabin_class": item.segments[0].cabin_class.value,
        }
        for item in offer.slices
    ]
    return {"order_id": order["id"], "slices": {"remove": remove, "add": add}}


def matching_change_offer(options: Sequence[Json], offer: Offer) -> Json | None:
    """Duffel's change offer that adds ``offer``'s flights: the one of the same fare brand
    when several do, else the cheapest change."""
    wanted = [flights(item) for item in offer.slices]
    brands = [item.fare_brand_name for item in offer.slices]
    same = [
        option
        for option in options
        if [_wire_flights(s) for s in (option.get("slices") or {}).get("add") or []] == wanted
    ]
    if not same:
        return None

    def rank(option: Json) -> tuple[bool, Decimal]:
        added = (option.get("slices") or {}).get("add") or []
        brand = [str(s.get("fare_brand_name") or "") for s in added]
        return brand != brands, Decimal(str(option.get("change_total_amount") or "0"))

    return min(same, key=rank)
