"""From itineraries to offers: a cabin per leg, seats, combined slices, prices.

A leg is flown in the requested cabin, or in the nearest one the aircraft has
(premium economy falls back to economy, first to business); an itinerary needs
the requested cabin on at least one leg. The owner of an offer is the airline
of its first flight: it files the fare in its currency, sets the fare brands and
the ticket prefix, and every other flight must be its own or an alliance
partner's. Every amount is then sold in the search's currency (``selling.py``).
A segment shows the owner as marketing carrier when it sells that flight (its
own, or a codeshare on a partner's), and the airline that flies it as operating
carrier (a regional operator for its mainline, a partner for a codeshare).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass, Segment, Slice, is_international
from farebridge.domain.money import ExchangeRates, Money, NoExchangeRate
from farebridge.domain.offer import Offer
from farebridge.domain.places import great_circle_km
from farebridge.domain.search import SearchCriteria
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.providers.sandbox.fares.extras import bag_services, tier_services
from farebridge.providers.sandbox.fares.pricing import (
    FareBrand,
    FareInput,
    baggages_for,
    booking_class,
    brands_for,
    class_open,
    conditions_for,
    departure_tax,
    fare_basis,
    initial_available,
    slice_fare,
)
from farebridge.providers.sandbox.fares.selling import (
    FiledFare,
    SellingRate,
    price_reference,
    sell_fare,
)
from farebridge.providers.sandbox.fares.surcharges import card_surcharges
from farebridge.providers.sandbox.search.engine import Itinerary
from farebridge.providers.sandbox.world.airlines import Airline, compatible, interline_family
from farebridge.providers.sandbox.world.network import Flight

CABIN_FALLBACKS: dict[CabinClass, tuple[CabinClass, ...]] = {
    CabinClass.ECONOMY: (CabinClass.ECONOMY,),
    CabinClass.PREMIUM_ECONOMY: (CabinClass.PREMIUM_ECONOMY, CabinClass.ECONOMY),
    CabinClass.BUSINESS: (CabinClass.BUSINESS,),
    CabinClass.FIRST: (CabinClass.FIRST, CabinClass.BUSINESS),
}
MIN_MINUTES_BETWEEN_SLICES = 60
COMBINATION_WORK = 2_000  # at most this many slice combinations are examined
MAX_PER_SLICE = 10


@dataclass(frozen=True, slots=True)
class PlannedLeg:
    flight: Flight
    cabin: CabinClass
    key: LegKey
    capacity: int
    initially_available: int


@dataclass(frozen=True, slots=True)
class PlannedSlice:
    itinerary: Itinerary
    legs: tuple[PlannedLeg, ...]

    @property
    def owner(self) -> Airline:
        """The first airline that sells in the itinerary's family itself (an alliance
        member, not a regional airline interlining with it)."""
        family = self.itinerary.family
        for leg in self.legs:
            if not family or interline_family(leg.flight.airline) == family:
                return leg.flight.airline
        return self.legs[0].flight.airline


Journey = tuple[PlannedSlice, ...]


def plan_slice(itinerary: Itinerary, cabin: CabinClass, *, seed: int) -> PlannedSlice | None:
    """Each leg's cabin and seats, or None when the itinerary cannot be sold in ``cabin``."""
    legs: list[PlannedLeg] = []
    for flight in itinerary.flights:
        aircraft = flight.pattern.aircraft
        served = next((c for c in CABIN_FALLBACKS[cabin] if aircraft.layout(c)), None)
        if served is None:
            return None
        key = LegKey(flight.designator, flight.departure_on, served.value)
        capacity = aircraft.capacity(served)
        legs.append(
            PlannedLeg(flight, served, key, capacity, initial_available(key, capacity, seed=seed))
        )
    if all(leg.cabin is not cabin for leg in legs):
        return None
    return PlannedSlice(itinerary, tuple(legs))


def seats_left(leg: PlannedLeg, available: Mapping[LegKey, int]) -> int:
    """Materialised availability when there is a row, else the simulated prior demand."""
    return available.get(leg.key, leg.initially_available)


def bookable(planned: PlannedSlice, available: Mapping[LegKey, int], seats: int) -> bool:
    return all(seats_left(leg, available) >= seats for leg in planned.legs)


def combine(
    per_slice: Sequence[Sequence[PlannedSlice]], *, limit: int
) -> tuple[list[Journey], bool]:
    """Journeys of one owner (or its alliance), in date order, best first; and truncated.

    Several slices combine within one family (an alliance, or an airline on its
    own), the best few options of each slice per family, bounded in work."""
    if len(per_slice) == 1:
        return [(planned,) for planned in per_slice[0][:limit]], len(per_slice[0]) > limit
    groups = [_by_family(options) for options in per_slice]
    families = sorted(set.intersection(*(set(group) for group in groups)))
    budget = COMBINATION_WORK / max(1, len(families))
    width = max(2, min(MAX_PER_SLICE, int(budget ** (1 / len(per_slice)))))
    truncated = any(len(options) > width for group in groups for options in group.values())
    journeys = [
        journey
        for family in families
        for journey in itertools.product(*(group[family][:width] for group in groups))
        if _combinable(journey)
    ]
    journeys.sort(
        key=lambda j: (
            sum(p.itinerary.duration_minutes for p in j),
            j[0].itinerary.departure_minute,
        )
    )
    return journeys[:limit], truncated or len(journeys) > limit


def _by_family(options: Sequence[PlannedSlice]) -> dict[str, list[PlannedSlice]]:
    groups: dict[str, list[PlannedSlice]] = {}
    for planned in options:
        family = planned.itinerary.family or interline_family(planned.owner)
        groups.setdefault(family, []).append(planned)
    return groups


def _combinable(journey: Journey) -> bool:
    owner = journey[0].owner
    for before, after in itertools.pairwise(journey):
        gap = after.itinerary.departure_minute - before.itinerary.arrival_minute
        if gap < MIN_MINUTES_BETWEEN_SLICES:
            return False
    return all(compatible(owner, leg.flight.airline) for planned in journey for leg in planned.legs)


@dataclass(frozen=True, slots=True)
class OfferContext:
    offer_request_id: str
    criteria: SearchCriteria
    now: datetime
    seed: int
    offer_lifetime: timedelta
    hold_lifetime: timedelta
    available: Mapping[LegKey, int]
    rates: ExchangeRates  # the engine's, read once per search

    def selling_rate(self, owner: Airline) -> SellingRate | None:
        """How the owner's fares become the search's currency; None without a rate."""
        try:
            return SellingRate.between(self.rates, owner.currency, self.criteria.currency)
        except NoExchangeRate:
            return None


HOLD_MARGIN_BEFORE_DEPARTURE = timedelta(hours=2)


def hold_deadline(
    first_departure: datetime, *, now: datetime, hold_lifetime: timedelta
) -> datetime | None:
    """When a hold made ``now`` must be paid: the hold lifetime, but never later than
    two hours before departure; None when that moment has already passed."""
    latest = (first_departure - HOLD_MARGIN_BEFORE_DEPARTURE).astimezone(UTC)
    deadline = min(now + hold_lifetime, latest)
    return deadline if deadline > now else None


def build_offers(context: OfferContext, journey: Journey) -> list[Offer]:
    """One offer per fare brand the owner sells in the requested cabin and whose
    booking class is still open on every leg (none when its currency cannot be sold)."""
    owner = journey[0].owner
    selling = context.selling_rate(owner)
    if selling is None:
        return []
    seats = context.criteria.seated_passengers
    return [
        _offer(context, journey, brand, selling)
        for brand in brands_for(owner, context.criteria.cabin_class)
        if all(
            class_open(
                brand,
                seats_left=seats_left(leg, context.available),
                capacity=leg.capacity,
                seats=seats,
            )
            for planned in journey
            for leg in planned.legs
        )
    ]


def provider_reference(journey: Journey, brand: FareBrand, *, seed: int) -> dict[str, Any]:
    """What the sandbox needs to find the legs again; JSON-serialisable."""
    legs = [
        {
            "flight": leg.key.flight,
            "departure_on": leg.key.departure_on.isoformat(),
            "cabin": leg.key.cabin,
            "initially_available": leg.initially_available,
        }
        for planned in journey
        for leg in planned.legs
    ]
    return {"legs": legs, "brand": brand.code, "seed": seed}


def _offer(
    context: OfferContext, journey: Journey, brand: FareBrand, selling: SellingRate
) -> Offer:
    owner = journey[0].owner
    filed = _filed_fare(context, journey, brand)
    sold = sell_fare(filed, selling, context.criteria.passengers)
    slices = tuple(_slice(planned, brand, owner) for planned in journey)
    reference = provider_reference(journey, brand, seed=context.seed)
    return Offer(
        id=new_id("off"),
        offer_request_id=context.offer_request_id,
        owner=owner.carrier,
        slices=slices,
        passengers=context.criteria.passengers,
        base=sold.base,
        tax=sold.tax,
        conditions=selling.sell_conditions(conditions_for(brand, owner.currency)),
        fare_brand_name=brand.name,
        created_at=context.now,
        expires_at=context.now + context.offer_lifetime,
        requires_instant_payment=owner.is_low_cost,
        hold_lifetime=None if owner.is_low_cost else context.hold_lifetime,
        passenger_identity_documents_required=is_international(slices),
        provider_reference={**reference, "price": price_reference(filed, selling)},
        available_services=bag_services(slices, context.criteria.passengers, owner, selling)
        + tier_services(slices, context.criteria.passengers, owner, selling),
        payment_required_by=None
        if owner.is_low_cost
        else hold_deadline(
            slices[0].departing_at, now=context.now, hold_lifetime=context.hold_lifetime
        ),
        airline_fare=sold.airline_fare,
        passenger_prices=sold.passenger_prices,
        card_surcharges=card_surcharges(
            owner, sold.base + sold.tax, context.criteria.seated_passengers, selling
        ),
    )


def _slice(planned: PlannedSlice, brand: FareBrand, owner: Airline) -> Slice:
    segments = tuple(_segment(leg, brand, owner) for leg in planned.legs)
    return Slice(id=new_id("sli"), segments=segments, fare_brand_name=brand.name)


def _segment(leg: PlannedLeg, brand: FareBrand, owner: Airline) -> Segment:
    """The owner markets the flight under its own number when it sells it (its own
    flight, or a codeshare on a partner's); else the partner's number is shown."""
    flight = leg.flight
    pattern = flight.pattern
    owner_number = pattern.number_for(owner)
    marketer, number = (
        (owner, owner_number) if owner_number is not None else (pattern.airline, pattern.number)
    )
    return Segment(
        id=new_id("seg"),
        origin=flight.origin,
        destination=flight.destination,
        departing_at=flight.departing_at,
        arriving_at=flight.arriving_at,
        marketing_carrier=marketer.carrier,
        operating_carrier=pattern.operating_airline.carrier,
        marketing_carrier_flight_number=str(number),
        aircraft=flight.pattern.aircraft.aircraft,
        cabin_class=leg.cabin,
        booking_class=booking_class(brand, leg.cabin),
        fare_basis_code=fare_basis(brand, leg.cabin, flight.departure_on),
        baggages=baggages_for(brand, leg.cabin),
    )


def _filed_fare(context: OfferContext, journey: Journey, brand: FareBrand) -> FiledFare:
    """One adult's fare and one seat's taxes, in the owner's currency."""
    owner = journey[0].owner
    fare = Money.zero(owner.currency)
    tax_per_seat = Money.zero(owner.currency)
    for planned in journey:
        fare = fare + slice_fare(owner, brand, _fare_input(context, planned), seed=context.seed)
        for leg in planned.legs:
            tax_per_seat = tax_per_seat + departure_tax(leg.flight.origin, owner.currency)
    return FiledFare(fare, tax_per_seat)


def _fare_input(context: OfferContext, planned: PlannedSlice) -> FareInput:
    def load(leg: PlannedLeg) -> Fraction:
        sold = leg.capacity - seats_left(leg, context.available)
        return Fraction(sold, leg.capacity) if leg.capacity else Fraction(1)

    fullest = max(planned.legs, key=load)
    first, last = planned.legs[0].flight, planned.legs[-1].flight
    return FareInput(
        distance_km=round(great_circle_km(first.origin, last.destination)),
        cabin=context.criteria.cabin_class,
        connections=planned.itinerary.connections,
        days_to_departure=max(0, (first.departure_on - context.now.date()).days),
        sold=fullest.capacity - seats_left(fullest, context.available),
        capacity=fullest.capacity,
        variation_key="|".join(
            f"{f.designator}@{f.departure_on.isoformat()}" for f in planned.itinerary.flights
        ),
    )
