"""Paid extras on sandbox offers: checked bags per passenger and slice, and seats."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from decimal import Decimal

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import Slice
from farebridge.domain.offer import Offer, OfferService
from farebridge.domain.order import OrderService
from farebridge.domain.places import great_circle_km
from farebridge.domain.search import OfferPassenger
from farebridge.providers.sandbox.booking.inventory import LegReservation
from farebridge.providers.sandbox.fares.selling import SellingRate
from farebridge.providers.sandbox.seats.selection import price_seats
from farebridge.providers.sandbox.world.airlines import Airline
from farebridge.providers.sandbox.world.network import Network

BAG_WEIGHT_KG = 23
MAX_EXTRA_BAGS = 2
LOW_COST_BAG_MARKUP = Decimal("1.3")


def bag_price_usd(distance_km: float) -> Decimal:
    if distance_km < 1500:
        return Decimal(30)
    return Decimal(45) if distance_km < 4000 else Decimal(70)


def bag_services(
    slices: Sequence[Slice],
    passengers: Sequence[OfferPassenger],
    owner: Airline,
    selling: SellingRate,
) -> tuple[OfferService, ...]:
    """One extra 23 kg checked bag per seated passenger and slice, up to two each,
    filed by the owner in its currency and sold in the search's."""
    services = []
    for item in slices:
        usd = bag_price_usd(great_circle_km(item.origin, item.destination))
        if owner.is_low_cost:
            usd *= LOW_COST_BAG_MARKUP
        price = selling.sell_usd(usd)
        for passenger in passengers:
            if passenger.type.occupies_seat:
                services.append(
                    OfferService(
                        _bag_id(item.id, passenger.id),
                        "baggage",
                        passenger.id,
                        item.id,
                        price,
                        MAX_EXTRA_BAGS,
                        f"Extra checked bag, up to {BAG_WEIGHT_KG} kg",
                        BAG_WEIGHT_KG,
                    )
                )
    return tuple(services)


def _bag_id(slice_id: str, passenger_id: str) -> str:
    raw = f"{slice_id}|{passenger_id}".encode()
    return "asb_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def price_services(
    network: Network,
    offer: Offer,
    legs: Sequence[LegReservation],
    requests: Sequence[tuple[str, int]],
    selling: SellingRate,
) -> list[OrderService]:
    """Bags from the offer's ``available_services``, seats from its seat maps, in the
    offer's currency."""
    bags = {service.id: service for service in offer.available_services}
    seen: set[str] = set()
    priced: list[OrderService] = []
    seats: list[tuple[int, str]] = []
    for index, (service_id, quantity) in enumerate(requests):
        field = f"services[{index}]"
        if service_id in seen:
            raise ValidationFailed(
                "Each service may be listed once; use quantity.",
                field=f"{field}.id",
                code="duplicate_service",
            )
        seen.add(service_id)
        bag = bags.get(service_id)
        if bag is None:
            if quantity != 1:
                raise ValidationFailed(
                    "A seat is booked with quantity 1.",
                    field=f"{field}.quantity",
                    code="invalid_quantity",
                )
            seats.append((index, service_id))
            continue
        if not 1 <= quantity <= bag.maximum_quantity:
            raise ValidationFailed(
                f"Between 1 and {bag.maximum_quantity} of this bag.",
                field=f"{field}.quantity",
                code="invalid_quantity",
            )
        priced.append(
            OrderService(
                bag.id,
                "baggage",
                None,
                bag.passenger_id,
                bag.unit_price * quantity,
                slice_id=bag.slice_id,
                quantity=quantity,
            )
        )
    return priced + price_seats(network, offer, legs, seats, selling)
