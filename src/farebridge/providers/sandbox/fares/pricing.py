"""Fares of the sandbox: brands, conditions, baggage, prices, taxes and prior demand.

A fare is a function of the great-circle distance of the slice, the cabin,
the fare brand, how many days remain before departure, how full the fullest
leg already is, and a small per-itinerary variation, all computed in US
dollars with ``Decimal`` and converted with the fixed sandbox rates into the
currency of the owning airline. Taxes are charged per departure airport by
country. Every amount is ``Money``; no float reaches a price.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from farebridge.domain.itinerary import Baggage, CabinClass
from farebridge.domain.money import REFERENCE_USD_RATES, Money
from farebridge.domain.offer import ConditionRule, Conditions, PenaltyStep
from farebridge.domain.places import Airport
from farebridge.domain.search import OfferPassenger, PassengerType
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.providers.sandbox.world.airlines import Airline

_Y, _W, _J, _F = (
    CabinClass.ECONOMY,
    CabinClass.PREMIUM_ECONOMY,
    CabinClass.BUSINESS,
    CabinClass.FIRST,
)


@dataclass(frozen=True, slots=True)
class FareBrand:
    code: str  # stable key, stored in the offer's provider reference
    name: str
    multiplier: Decimal
    carry_on: int
    checked: int
    refund_penalty_usd: Decimal | None  # None: refunds not allowed
    change_penalty_usd: Decimal | None  # None: changes not allowed
    booking_classes: Mapping[CabinClass, str]
    basis_suffix: str
    # Nested booking classes: the class closes when fewer than this share of the
    # cabin would be left after the booking (cheap classes close first).
    closes_below: Decimal = Decimal(0)
    # A refund penalty by the time left before departure, USD per passenger:
    # ((more than this is left, penalty), …), largest first; empty: the flat penalty.
    refund_schedule_usd: tuple[tuple[timedelta, Decimal], ...] = ()
    cancellation_cutoff: timedelta | None = None  # None: the engine's default


# Seed 002's cancellation charges (3,000 and 3,500 rupees, about 36 and 42 US dollars):
# free more than 7 days before departure, then 36, and 42 within 3 days.
SEED_002_REFUND_SCHEDULE_USD = (
    (timedelta(days=7), Decimal(0)),
    (timedelta(days=3), Decimal(36)),
    (timedelta(0), Decimal(42)),
)


def _brand(
    code: str,
    multiplier: str,
    bags: tuple[int, int],
    penalties: tuple[str | None, str | None],
    classes: str,
    suffix: str,
    closes_below: str = "0",
) -> FareBrand:
    refund, change = (None if p is None else Decimal(p) for p in penalties)
    return FareBrand(
        code=code,
        name=code.title(),
        multiplier=Decimal(multiplier),
        carry_on=bags[0],
        checked=bags[1],
        refund_penalty_usd=refund,
        change_penalty_usd=change,
        booking_classes=dict(zip((_Y, _W, _J, _F), classes, strict=True)),
        basis_suffix=suffix,
        closes_below=Decimal(closes_below),
    )


# Booking classes per cabin, in the order economy, premium economy, business, first.
FULL_SERVICE_BRANDS: tuple[FareBrand, ...] = (
    _brand("basic", "1.00", (1, 0), (None, None), "QTIA", "BS", closes_below="0.25"),
    _brand("standard", "1.30", (1, 1), (None, "75"), "MEDA", "ST", closes_below="0.08"),
    replace(
        _brand("flex", "1.90", (1, 2), ("0", "0"), "YWJF", "FX"),
        refund_schedule_usd=SEED_002_REFUND_SCHEDULE_USD,
    ),
)
LOW_COST_BRANDS: tuple[FareBrand, ...] = (
    _brand("basic", "1.00", (1, 0), (None, "45"), "OOOO", "LB", closes_below="0.15"),
    _brand("plus", "1.45", (1, 1), (None, "25"), "PPPP", "LP"),
)
BRANDS_BY_CODE: dict[tuple[bool, str], FareBrand] = {
    **{(False, brand.code): brand for brand in FULL_SERVICE_BRANDS},
    **{(True, brand.code): brand for brand in LOW_COST_BRANDS},
}

CABIN_MULTIPLIERS: dict[CabinClass, Decimal] = {
    _Y: Decimal("1"),
    _W: Decimal("1.8"),
    _J: Decimal("4.2"),
    _F: Decimal("7.5"),
}
LOW_COST_MULTIPLIER = Decimal("0.55")
CONNECTION_MULTIPLIER = Decimal("0.9")  # each connection makes a fare a little cheaper
PASSENGER_MULTIPLIERS: dict[PassengerType, Decimal] = {
    PassengerType.ADULT: Decimal("1"),
    PassengerType.CHILD: Decimal("0.75"),
    PassengerType.INFANT_WITHOUT_SEAT: Decimal("0.10"),
}
# Departure taxes and charges per passenger, in USD, by country of the airport;
# other countries get a small amount derived from the country code.
DEPARTURE_TAX_USD: dict[str, Decimal] = {
    "GB": Decimal("48"),
    "US": Decimal("24"),
    "DE": Decimal("38"),
    "FR": Decimal("33"),
    "NL": Decimal("36"),
    "ES": Decimal("21"),
    "IT": Decimal("27"),
    "IE": Decimal("12"),
    "JP": Decimal("19"),
    "SG": Decimal("42"),
    "AE": Decimal("31"),
    "AU": Decimal("45"),
}


def brands_for(airline: Airline, cabin: CabinClass) -> tuple[FareBrand, ...]:
    """The brands sold in ``cabin``: no Basic fares in business or first."""
    if airline.is_low_cost:
        return LOW_COST_BRANDS
    if cabin in (_J, _F):
        return tuple(brand for brand in FULL_SERVICE_BRANDS if brand.code != "basic")
    return FULL_SERVICE_BRANDS


def class_open(brand: FareBrand, *, seats_left: int, capacity: int, seats: int) -> bool:
    """Whether ``brand``'s booking class still sells ``seats`` seats on a leg."""
    return seats_left - seats >= brand.closes_below * capacity


def brand_by_code(airline: Airline, code: str) -> FareBrand:
    """``KeyError`` when the airline's model has no such brand."""
    return BRANDS_BY_CODE[(airline.is_low_cost, code)]


def to_currency(amount_usd: Decimal, currency: str, *, whole: bool = False) -> Money:
    """Convert with the fixed sandbox rates; ``whole`` rounds to whole units."""
    amount = amount_usd / REFERENCE_USD_RATES[currency]
    return Money(amount.quantize(Decimal(1)) if whole else amount, currency)


def conditions_for(brand: FareBrand, currency: str) -> Conditions:
    return _conditions(
        brand.refund_penalty_usd,
        brand.refund_schedule_usd,
        brand.change_penalty_usd,
        brand.cancellation_cutoff,
        currency,
    )


@lru_cache(maxsize=256)  # pure, asked for per offer: worked out once per brand and currency
def _conditions(
    refund_usd: Decimal | None,
    refund_schedule_usd: tuple[tuple[timedelta, Decimal], ...],
    change_usd: Decimal | None,
    cancellation_cutoff: timedelta | None,
    currency: str,
) -> Conditions:
    def rule(
        penalty_usd: Decimal | None, schedule: tuple[tuple[timedelta, Decimal], ...] = ()
    ) -> ConditionRule:
        if penalty_usd is None:
            return ConditionRule(allowed=False)
        steps = tuple(
            PenaltyStep(more_than, amount=to_currency(usd, currency, whole=True))
            for more_than, usd in schedule
        )
        return ConditionRule(
            allowed=True, penalty=to_currency(penalty_usd, currency, whole=True), schedule=steps
        )

    return Conditions(
        refund_before_departure=rule(refund_usd, refund_schedule_usd),
        change_before_departure=rule(change_usd),
        cancellation_cutoff=cancellation_cutoff,
    )


def baggages_for(brand: FareBrand, cabin: CabinClass) -> tuple[Baggage, ...]:
    """Carry-on and checked bags per passenger; premium cabins include two checked."""
    checked = max(brand.checked, 2) if cabin in (_J, _F) else brand.checked
    bags = [Baggage("carry_on", brand.carry_on)]
    if checked:
        bags.append(Baggage("checked", checked))
    return tuple(bags)


def booking_class(brand: FareBrand, cabin: CabinClass) -> str:
    return brand.booking_classes[cabin]


def fare_basis(brand: FareBrand, cabin: CabinClass, departure_on: date) -> str:
    """E.g. ``MLXST``: class, season (High/Low), weekday or Weekend, brand."""
    peak = departure_on.month in (7, 8) or (departure_on.month, departure_on.day) >= (12, 15)
    weekend = departure_on.weekday() in (4, 6)
    season, days = ("H" if peak else "L"), ("W" if weekend else "X")
    return f"{booking_class(brand, cabin)}{season}{days}{brand.basis_suffix}"


def distance_fare_usd(distance_km: int) -> Decimal:
    """Economy basis fare: tapering with distance."""
    short = min(distance_km, 1500)
    long = max(distance_km - 1500, 0)
    return Decimal(45) + Decimal("0.12") * short + Decimal("0.05") * long


def advance_multiplier(days_to_departure: int) -> Decimal:
    for days, multiplier in ((60, "0.85"), (21, "1.0"), (7, "1.25"), (3, "1.5")):
        if days_to_departure >= days:
            return Decimal(multiplier)
    return Decimal("1.8")


def demand_multiplier(sold: int, capacity: int) -> Decimal:
    """Fuller flights are dearer: from 0.9 when half empty to 1.9 when nearly full."""
    load = Decimal(sold) / Decimal(capacity) if capacity else Decimal(1)
    for threshold, multiplier in (("0.5", "0.9"), ("0.7", "1.0"), ("0.85", "1.2"), ("0.95", "1.5")):
        if load < Decimal(threshold):
            return Decimal(multiplier)
    return Decimal("1.9")


@dataclass(frozen=True, slots=True)
class FareInput:
    """What one slice's fare depends on."""

    distance_km: int  # great circle, slice origin to slice destination
    cabin: CabinClass
    connections: int
    days_to_departure: int
    sold: int  # on the fullest leg, in the priced cabin
    capacity: int
    variation_key: str  # e.g. the flight designators and dates


def slice_fare(airline: Airline, brand: FareBrand, fare: FareInput, *, seed: int) -> Money:
    """One adult's fare for one slice, in the airline's currency, in whole units."""
    amount = (
        distance_fare_usd(fare.distance_km)
        * CABIN_MULTIPLIERS[fare.cabin]
        * brand.multiplier
        * advance_multiplier(fare.days_to_departure)
        * demand_multiplier(fare.sold, fare.capacity)
        * CONNECTION_MULTIPLIER**fare.connections
        * (Decimal("0.92") + Decimal("0.16") * _unit(seed, f"fare|{fare.variation_key}"))
    )
    if airline.is_low_cost:
        amount *= LOW_COST_MULTIPLIER
    return to_currency(amount, airline.currency, whole=True)


def departure_tax(airport: Airport, currency: str) -> Money:
    """Taxes and charges for one passenger leaving ``airport``."""
    usd = DEPARTURE_TAX_USD.get(airport.country_code)
    if usd is None:
        usd = Decimal(10 + zlib.crc32(airport.country_code.encode()) % 25)
    return to_currency(usd, currency)


def passenger_totals(
    fare: Money, tax_per_seat: Money, passengers: Iterable[OfferPassenger]
) -> tuple[Money, Money]:
    """``(base, tax)`` for everyone: children 75 %, infants 10 %, taxes per seat."""
    base = Money.zero(fare.currency)
    tax = Money.zero(tax_per_seat.currency)
    for passenger in passengers:
        base = base + fare * PASSENGER_MULTIPLIERS[passenger.type]
        if passenger.type.occupies_seat:
            tax = tax + tax_per_seat
    return base, tax


def initial_available(key: LegKey, capacity: int, *, seed: int) -> int:
    """Seats left by simulated prior demand: a few sold out, some nearly full, most open."""
    if capacity <= 0:
        return 0
    text = f"{key.flight}|{key.departure_on.isoformat()}|{key.cabin}"
    draw, share = _unit(seed, f"demand|{text}"), _unit(seed, f"share|{text}")
    if draw < Decimal("0.03"):
        return 0
    if draw < Decimal("0.15"):
        return 1 + int(share * min(6, capacity))
    left = int(capacity * (Decimal("0.15") + Decimal("0.7") * share))
    return max(1, min(capacity, left))


def _unit(seed: int, text: str) -> Decimal:
    """A deterministic number in [0, 1) from ``seed`` and ``text``."""
    digest = hashlib.blake2b(f"{seed}|{text}".encode(), digest_size=8).digest()
    return Decimal(int.from_bytes(digest, "big")) / Decimal(2**64)


def unit_hash(seed: int, text: str) -> int:
    """A deterministic 64-bit integer from ``seed`` and ``text`` (to seed a ``Random``)."""
    digest = hashlib.blake2b(f"{seed}|{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")
