"""Paid extras on sandbox offers: checked bags per passenger and slice, baggage tiers,
carry-on tiers, and seats.

Besides the extra 23 kg bag (up to two), every seated passenger may pick one checked
*baggage tier* and one *carry-on tier* per slice (``OfferService.tier``):

* full-service and regional airlines: ``C1`` one bag of 23 kg, ``C2`` two of 23 kg;
  carry-on ``S`` (small under-seat bag) and ``L`` (large cabin bag) both included;
* low-cost and leisure airlines: ``C1`` one bag of 15 kg, ``C2`` one of 23 kg, and
  ``C3`` either two bags of 20 and 23 kg or (half of them, by airline code) two bags
  weighing 40 kg together; carry-on ``S`` free, ``L`` priced by distance.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer, OfferService, ServiceKind
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


def _bag_id(slice_id: str, passenger_id: str, tier: str | None = None) -> str:
    raw = f"{slice_id}|{passenger_id}" + (f"|{tier}" if tier else "")
    return "asb_" + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@dataclass(frozen=True, slots=True)
class Tier:
    """One baggage or carry-on tier as an airline files it, priced in bags (``factor``)
    of its extra bag, or in US dollars for cabin bags."""

    code: str
    kind: ServiceKind
    description: str
    factor: Decimal = Decimal(0)  # checked tiers: times the price of one extra bag
    cabin_usd: Decimal = Decimal(0)  # carry-on tiers: the price
    weights: tuple[int, ...] = ()
    total_weight: int | None = None
    bags: int | None = None


_SMALL = Tier("S", ServiceKind.CARRY_ON, "Small cabin bag under the seat (40x30x20 cm)")
_LARGE = "Large cabin bag in the overhead locker (55x40x20 cm, 10 kg)"
FULL_SERVICE_TIERS = (
    Tier("C1", ServiceKind.BAGGAGE, "One checked bag, 23 kg", Decimal(1), weights=(23,)),
    Tier(
        "C2", ServiceKind.BAGGAGE, "Two checked bags, 23 kg each", Decimal("1.8"), weights=(23, 23)
    ),
    _SMALL,
    Tier("L", ServiceKind.CARRY_ON, _LARGE),
)


def low_cost_tiers(owner: Airline, distance_km: float) -> tuple[Tier, ...]:
    return _low_cost_tiers(owner.iata_code, short=distance_km < 1500)


@lru_cache(maxsize=4096)  # asked for per offer and slice; two answers per airline
def _low_cost_tiers(code: str, *, short: bool) -> tuple[Tier, ...]:
    cabin_usd = Decimal(15) if short else Decimal(25)
    pooled = hashlib.sha256(f"bag-tiers|{code}".encode()).digest()[0] % 2 == 0
    two = (
        Tier(
            "C3",
            ServiceKind.BAGGAGE,
            "Two checked bags, 40 kg in total",
            Decimal("1.6"),
            total_weight=40,
            bags=2,
        )
        if pooled
        else Tier(
            "C3",
            ServiceKind.BAGGAGE,
            "Two checked bags, 20 kg and 23 kg",
            Decimal("1.7"),
            weights=(20, 23),
        )
    )
    return (
        Tier("C1", ServiceKind.BAGGAGE, "One checked bag, 15 kg", Decimal("0.7"), weights=(15,)),
        Tier("C2", ServiceKind.BAGGAGE, "One checked bag, 23 kg", Decimal(1), weights=(23,)),
        two,
        _SMALL,
        Tier("L", ServiceKind.CARRY_ON, _LARGE, cabin_usd=cabin_usd),
    )


def tier_services(
    slices: Sequence[Slice],
    passengers: Sequence[OfferPassenger],
    owner: Airline,
    selling: SellingRate,
) -> tuple[OfferService, ...]:
    """Every seated passenger's baggage and carry-on tiers on every slice (module doc)."""
    services: list[OfferService] = []
    for item in slices:
        distance = great_circle_km(item.origin, item.destination)
        bag_usd = bag_price_usd(distance) * (LOW_COST_BAG_MARKUP if owner.is_low_cost else 1)
        tiers = low_cost_tiers(owner, distance) if owner.is_low_cost else FULL_SERVICE_TIERS
        for tier in tiers:
            price = _tier_price(tier, bag_usd, selling)
            services.extend(
                OfferService(
                    _bag_id(item.id, passenger.id, tier.code),
                    tier.kind.value,
                    passenger.id,
                    item.id,
                    price,
                    1,
                    tier.description,
                    maximum_weights_kg=tier.weights,
                    total_weight_kg=tier.total_weight,
                    bag_count=tier.bags,
                    tier=tier.code,
                )
                for passenger in passengers
                if passenger.type.occupies_seat
            )
    return tuple(services)


def _tier_price(tier: Tier, bag_usd: Decimal, selling: SellingRate) -> Money:
    usd = bag_usd * tier.factor if tier.kind is ServiceKind.BAGGAGE else tier.cabin_usd
    return selling.sell_usd(usd) if usd else Money.zero(selling.currency)


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
    tiers_taken: set[tuple[str, str, str]] = set()
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
        if bag.is_tier:
            taken = (bag.type, bag.passenger_id, bag.slice_id)
            if taken in tiers_taken:
                raise ValidationFailed(
                    f"One {bag.type} tier per passenger and slice.",
                    field=f"{field}.id",
                    code="duplicate_service",
                )
            tiers_taken.add(taken)
        priced.append(
            OrderService(
                bag.id,
                bag.type,
                None,
                bag.passenger_id,
                bag.unit_price * quantity,
                slice_id=bag.slice_id,
                quantity=quantity,
            )
        )
    return priced + price_seats(network, offer, legs, seats, selling)
