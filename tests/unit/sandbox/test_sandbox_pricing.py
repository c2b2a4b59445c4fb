"""Fares, taxes and simulated prior demand: deterministic Decimal money."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from farebridge.domain.itinerary import CabinClass
from farebridge.domain.money import REFERENCE_USD_RATES, Money
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.search import OfferPassenger, PassengerType
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.providers.sandbox.fares.pricing import (
    FareInput,
    brand_by_code,
    brands_for,
    conditions_for,
    departure_tax,
    initial_available,
    passenger_totals,
    slice_fare,
)
from tests.unit.sandbox.conftest import airline

BA, FR, JL = airline("BA"), airline("FR"), airline("JL")


def _fare(**changes: object) -> FareInput:
    values: dict[str, object] = {
        "distance_km": 5540,
        "cabin": CabinClass.ECONOMY,
        "connections": 0,
        "days_to_departure": 30,
        "sold": 100,
        "capacity": 300,
        "variation_key": "BA117@2026-12-15",
    }
    values.update(changes)
    return FareInput(**values)  # type: ignore[arg-type]


def test_initial_availability_simulates_prior_demand() -> None:
    keys = [
        LegKey(f"BA{n}", date(2026, 12, 1) + timedelta(days=n % 30), "economy") for n in range(3000)
    ]
    seats = [initial_available(key, 180, seed=7) for key in keys]
    assert seats == [initial_available(key, 180, seed=7) for key in keys]
    assert all(0 <= left <= 180 for left in seats)
    shares = Counter("sold_out" if s == 0 else "nearly_full" if s <= 6 else "open" for s in seats)
    assert 0.01 < shares["sold_out"] / len(seats) < 0.06
    assert 0.05 < shares["nearly_full"] / len(seats) < 0.2
    assert shares["open"] / len(seats) > 0.75
    assert seats != [initial_available(key, 180, seed=8) for key in keys]
    assert initial_available(keys[0], 0, seed=7) == 0


def test_a_fare_is_whole_decimal_money_in_the_owner_currency() -> None:
    for owner in (BA, FR, JL):
        fare = slice_fare(owner, brands_for(owner, CabinClass.ECONOMY)[0], _fare(), seed=7)
        assert isinstance(fare, Money) and isinstance(fare.amount, Decimal)
        assert fare.currency == owner.currency
        assert fare.amount == fare.amount.to_integral_value() and fare.amount > 0


def test_fares_rise_with_cabin_brand_demand_and_closeness() -> None:
    basic, flex = brand_by_code(BA, "basic"), brand_by_code(BA, "flex")
    base = slice_fare(BA, basic, _fare(), seed=7)
    assert base < slice_fare(BA, flex, _fare(), seed=7)
    assert base < slice_fare(BA, basic, _fare(cabin=CabinClass.BUSINESS), seed=7)
    assert base < slice_fare(BA, basic, _fare(sold=290), seed=7)
    assert base < slice_fare(BA, basic, _fare(days_to_departure=2), seed=7)
    assert slice_fare(BA, basic, _fare(distance_km=350), seed=7) < base
    assert slice_fare(BA, basic, _fare(days_to_departure=90), seed=7) < base


def test_low_cost_is_cheaper_and_sells_its_own_brands() -> None:
    economy = _fare(distance_km=1500)
    ryanair = slice_fare(FR, brands_for(FR, CabinClass.ECONOMY)[0], economy, seed=7)
    full = slice_fare(airline("IB"), brands_for(BA, CabinClass.ECONOMY)[0], economy, seed=7)
    assert ryanair.currency == full.currency == "EUR" and ryanair < full
    assert [b.code for b in brands_for(FR, CabinClass.ECONOMY)] == ["basic", "plus"]
    assert [b.code for b in brands_for(BA, CabinClass.ECONOMY)] == ["basic", "standard", "flex"]
    assert [b.code for b in brands_for(BA, CabinClass.BUSINESS)] == ["standard", "flex"]


def test_children_pay_three_quarters_infants_a_tenth_and_no_tax() -> None:
    fare, tax = Money.of("400", "GBP"), Money.of("48.50", "GBP")
    people = [
        OfferPassenger("a", PassengerType.ADULT),
        OfferPassenger("c", PassengerType.CHILD),
        OfferPassenger("i", PassengerType.INFANT_WITHOUT_SEAT),
    ]
    base, taxes = passenger_totals(fare, tax, people)
    assert base == Money.of("740.00", "GBP")  # 400 + 300 + 40
    assert taxes == Money.of("97.00", "GBP")  # two seats


def test_conditions_carry_penalties_in_the_owner_currency() -> None:
    standard = conditions_for(brand_by_code(BA, "standard"), "GBP")
    assert not standard.refund_before_departure.allowed
    assert standard.change_before_departure.allowed
    penalty = standard.change_before_departure.penalty
    assert penalty is not None and penalty.currency == "GBP"
    assert penalty.amount == (Decimal(75) / REFERENCE_USD_RATES["GBP"]).quantize(Decimal(1))
    basic = conditions_for(brand_by_code(BA, "basic"), "GBP")
    assert (
        not basic.change_before_departure.allowed and basic.change_before_departure.penalty is None
    )


def test_departure_taxes_depend_on_the_country(places: PlaceDirectory) -> None:
    lhr, jfk, nrt = (places.airport(code) for code in ("LHR", "JFK", "NRT"))
    assert lhr is not None and jfk is not None and nrt is not None
    assert departure_tax(lhr, "USD") == Money.of("48", "USD")
    assert departure_tax(jfk, "USD") == Money.of("24", "USD")
    # 19 USD at the fixed reference rate, rounded to whole yen
    assert departure_tax(nrt, "JPY") == Money(Decimal(19) / REFERENCE_USD_RATES["JPY"], "JPY")
    assert departure_tax(nrt, "JPY").amount == Decimal("2879")
    unlisted = places.airport("NBO")
    assert unlisted is not None
    assert departure_tax(unlisted, "EUR").amount > 0
