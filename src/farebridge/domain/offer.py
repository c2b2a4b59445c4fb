"""Offers: a priced, bookable itinerary for a set of passengers."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from farebridge.domain.card_surcharges import CardSurcharge, CardType, surcharge_for
from farebridge.domain.itinerary import Baggage, Carrier, Slice
from farebridge.domain.money import Money
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria


@dataclass(frozen=True, slots=True)
class PenaltyStep:
    """One step of a penalty that depends on the time left before departure: it applies
    while more than ``more_than`` is left (down to the next, smaller step). The penalty is
    ``amount`` per passenger with a seat, or ``percentage`` of the fare (base), or both
    added; neither: free (ADR 0020)."""

    more_than: timedelta
    amount: Money | None = None
    percentage: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ConditionRule:
    """Whether a change or refund is allowed, and its penalty: flat, or by the time left
    before departure when ``schedule`` has steps (largest ``more_than`` first)."""

    allowed: bool
    penalty: Money | None = None
    schedule: tuple[PenaltyStep, ...] = ()


@dataclass(frozen=True, slots=True)
class Conditions:
    refund_before_departure: ConditionRule
    change_before_departure: ConditionRule
    # No online cancellation this close to departure; None: the engine's default
    # (``FAREBRIDGE_CANCELLATION_CUTOFF``).
    cancellation_cutoff: timedelta | None = None


class ServiceKind(StrEnum):
    """What an offer service is: bags to check in, or a bag to take into the cabin."""

    BAGGAGE = "baggage"
    CARRY_ON = "carry_on"


@dataclass(frozen=True, slots=True)
class OfferService:
    """An extra sold with the offer, e.g. one more checked bag for a passenger on a slice.

    A *baggage tier* lists the weight of each bag it allows (``maximum_weights_kg``:
    one 15 kg bag, or two of 23 kg), or only a total weight for ``bag_count`` bags
    (``total_weight_kg``, as some low-cost airlines sell them); ordering one unit of the
    tier buys all its bags. A *carry-on tier* (``type`` "carry_on") is a cabin bag:
    a small one under the seat, or a large one in the overhead locker. A passenger picks
    at most one tier of each kind per slice; a priced-at-zero tier is included."""

    id: str
    type: str  # ServiceKind: "baggage" | "carry_on"
    passenger_id: str
    slice_id: str
    unit_price: Money
    maximum_quantity: int
    description: str = ""
    maximum_weight_kg: int | None = None  # bags: the weight allowed per bag
    maximum_weights_kg: tuple[int, ...] = ()  # tiers: one entry per bag, its weight limit
    total_weight_kg: int | None = None  # tiers: the weight of all the bags together
    bag_count: int | None = None  # tiers: how many bags (with total_weight_kg)
    tier: str | None = None  # the tier's code, shared by every passenger and slice

    @property
    def is_tier(self) -> bool:
        return self.tier is not None


@dataclass(frozen=True, slots=True)
class PassengerPrice:
    """What each of ``count`` passengers of one type pays, in the offer's currency."""

    passenger_type: PassengerType
    count: int
    base: Money  # per passenger
    tax: Money  # per passenger

    @property
    def total(self) -> Money:
        return self.base + self.tax


def fare_totals(prices: Sequence[PassengerPrice]) -> tuple[Money, Money]:
    """``(base, tax)`` for everyone: each passenger type's unit price times its count,
    so a breakdown always adds up exactly to the offer's amounts."""
    base = Money.zero(prices[0].base.currency)
    tax = Money.zero(prices[0].tax.currency)
    for price in prices:
        base = base + price.base * price.count
        tax = tax + price.tax * price.count
    return base, tax


@dataclass(frozen=True, slots=True)
class FareBrandOption:
    """One fare brand on sale for an itinerary: book it with ``offer_id``."""

    offer_id: str
    fare_brand_name: str
    total: Money
    conditions: Conditions
    baggages: tuple[Baggage, ...]  # included in the fare, as its first flight states them

    @classmethod
    def of(cls, offer: Offer) -> FareBrandOption:
        return cls(
            offer.id,
            offer.fare_brand_name,
            offer.total,
            offer.conditions,
            offer.slices[0].segments[0].baggages,
        )


@dataclass(frozen=True, slots=True)
class Offer:
    id: str
    offer_request_id: str
    owner: Carrier
    slices: tuple[Slice, ...]
    passengers: tuple[OfferPassenger, ...]
    base: Money
    tax: Money
    conditions: Conditions
    fare_brand_name: str
    created_at: datetime
    expires_at: datetime
    requires_instant_payment: bool
    hold_lifetime: timedelta | None
    passenger_identity_documents_required: bool = False
    provider_reference: dict[str, Any] = field(default_factory=dict)
    available_services: tuple[OfferService, ...] = ()
    # When payment would be due if the offer were held now (None: cannot be held);
    # the price is guaranteed until then.
    payment_required_by: datetime | None = None
    provider: str = "sandbox"  # the upstream that made the offer and will book it
    # Every brand on sale for this offer's itinerary, cheapest first (this one too).
    # Read with the offer from the other offers of its search; never stored with it.
    fare_brands: tuple[FareBrandOption, ...] = ()
    # The airline's own fare (base + tax as filed, in the airline's currency) when the
    # provider tells it; every other amount is in the selling currency.
    airline_fare: Money | None = None
    # Per passenger type, adding up exactly to ``base`` and ``tax``; empty when unknown.
    passenger_prices: tuple[PassengerPrice, ...] = ()
    # The fee for paying by each card type (domain/card_surcharges.py); empty: none.
    card_surcharges: tuple[CardSurcharge, ...] = ()

    def __post_init__(self) -> None:
        if self.passenger_prices and fare_totals(self.passenger_prices) != (self.base, self.tax):
            raise ValueError(f"offer {self.id}: the passenger prices do not add up to its price")

    @property
    def total(self) -> Money:
        return self.base + self.tax

    def card_surcharge(self, card_type: CardType | None) -> Money:
        """What paying the whole offer with ``card_type`` adds (zero for none)."""
        return surcharge_for(self.card_surcharges, card_type, self.total.currency)

    def amounts(self) -> Iterator[Money]:
        """Every amount the offer sells at: fare, breakdown, penalties and extras."""
        yield self.base
        yield self.tax
        for price in self.passenger_prices:
            yield from (price.base, price.tax)
        for rule in (
            self.conditions.refund_before_departure,
            self.conditions.change_before_departure,
        ):
            if rule.penalty is not None:
                yield rule.penalty
            for step in rule.schedule:
                if step.amount is not None:
                    yield step.amount
        for service in self.available_services:
            yield service.unit_price
        for surcharge in self.card_surcharges:
            yield surcharge.amount

    def is_priced_in(self, currency: str) -> bool:
        return all(money.currency == currency for money in self.amounts())

    @property
    def itinerary_id(self) -> str:
        """The same for every offer that flies the same flights at the same times,
        whatever its fare brand: it groups the brands of one itinerary."""
        flights = "/".join(
            ",".join(
                f"{segment.marketing_carrier.iata_code}{segment.marketing_carrier_flight_number}"
                f"@{segment.departing_at.isoformat()}"
                for segment in item.segments
            )
            for item in self.slices
        )
        return "iti_" + hashlib.sha256(flights.encode()).hexdigest()[:24]

    @property
    def departure_dates(self) -> tuple[date, ...]:
        """The local date on which each slice departs."""
        return tuple(item.departing_at.date() for item in self.slices)

    @property
    def total_duration(self) -> timedelta:
        return sum((s.duration for s in self.slices), timedelta(0))

    @property
    def connections(self) -> int:
        """The largest number of connections on any slice."""
        return max(s.connections for s in self.slices)

    def sold_only_by(self, airlines: Collection[str]) -> bool:
        """Every flight sold (marketed) by one of ``airlines``, any when none is named: what
        a search's ``preferred_airlines`` asks for, codeshares included."""
        return not airlines or all(
            segment.marketing_carrier.iata_code in airlines
            for item in self.slices
            for segment in item.segments
        )

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def departs_too_soon(self, *, now: datetime, lead: timedelta) -> bool:
        """Whether the first flight leaves within ``lead`` of ``now`` (or has left)."""
        return bool(self.slices) and self.slices[0].departing_at < now + lead


class OfferRequestStatus(StrEnum):
    PENDING = "pending"
    COMPLETE = "complete"
    FAILED = "failed"


@dataclass(slots=True)
class OfferRequest:
    id: str
    owner_id: str | None
    criteria: SearchCriteria
    status: OfferRequestStatus
    created_at: datetime
    completed_at: datetime | None = None
    offers_count: int = 0
    truncated: bool = False
    error_code: str | None = None
    error_message: str | None = None
    providers: tuple[str, ...] = ("sandbox",)  # the upstreams the search goes to
    scenarios: frozenset[str] = frozenset()  # test faults asked for (Sandbox-Fault)
    # The departure dates searched, one per slice in each combination (flexible dates);
    # empty for a search made before flexible dates existed: its requested dates.
    date_options: tuple[tuple[date, ...], ...] = ()

    @property
    def searched_dates(self) -> tuple[tuple[date, ...], ...]:
        return self.date_options or (self.criteria.requested_dates,)


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """The cheapest offer of a search for one combination of departure dates."""

    departure_dates: tuple[date, ...]
    offers_count: int = 0
    cheapest: Money | None = None  # None: no offer on these dates
    offer_id: str | None = None
