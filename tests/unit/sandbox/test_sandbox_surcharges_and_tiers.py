"""Sandbox card surcharges and baggage / carry-on tiers: deterministic, by airline model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from farebridge.domain.card_surcharges import CardType
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer, ServiceKind
from farebridge.providers.sandbox.fares.selling import SellingRate
from farebridge.providers.sandbox.fares.surcharges import FeeScheme, card_surcharges, fee_scheme
from farebridge.providers.sandbox.provider import SandboxProvider
from tests.unit.sandbox.conftest import NOW, TRAVEL_ON, airline, make_criteria, offer_passengers

LOW_COST_ROUTE = (("DUB", "STN", TRAVEL_ON),)  # Ryanair


def _offers(provider: SandboxProvider, **criteria: object) -> list[Offer]:
    return provider.search("orq_1", make_criteria(**criteria), now=NOW).offers  # type: ignore[arg-type]


def test_low_cost_airlines_charge_credit_cards_and_never_debit_cards(
    provider: SandboxProvider,
) -> None:
    offer = next(o for o in _offers(provider, route=LOW_COST_ROUTE) if o.owner.iata_code == "FR")
    fees = {s.card_type: s.amount for s in offer.card_surcharges}
    assert set(fees) == set(CardType)
    assert fees[CardType.VISA] > Money.zero("USD") and fees[CardType.VISA_DEBIT].amount == 0
    assert fees[CardType.AMERICAN_EXPRESS] > fees[CardType.VISA] == fees[CardType.MASTERCARD]
    assert all(fee.currency == offer.total.currency for fee in fees.values())


def test_full_service_airlines_charge_visa_and_mastercard_nothing(
    provider: SandboxProvider,
) -> None:
    for offer in _offers(provider):
        if not offer.requires_instant_payment:
            assert offer.card_surcharge(CardType.VISA).amount == 0
            assert offer.card_surcharge(CardType.MASTERCARD).amount == 0


def test_fee_schemes_are_fixed_by_the_airline() -> None:
    assert fee_scheme(airline("FR")) is fee_scheme(airline("FR"))
    assert fee_scheme(airline("FR")) in {
        FeeScheme.PERCENT,
        FeeScheme.PER_BOOKING,
        FeeScheme.PER_PASSENGER,
    }
    assert fee_scheme(airline("BA")) in {FeeScheme.NONE, FeeScheme.AMEX_PERCENT}
    selling = SellingRate("EUR", "USD", Decimal("1.1"))
    total = Money.of("200", "USD")
    once = card_surcharges(airline("FR"), total, 2, selling)
    assert once == card_surcharges(airline("FR"), total, 2, selling)


def test_searching_twice_gives_the_same_surcharges_and_tiers(provider: SandboxProvider) -> None:
    def shape(offers: list[Offer]) -> list[object]:
        return [
            (
                o.card_surcharges,
                [
                    (s.type, s.tier, s.unit_price, s.maximum_weights_kg)
                    for s in o.available_services
                ],
            )
            for o in offers
        ]

    assert shape(_offers(provider, route=LOW_COST_ROUTE)) == shape(
        _offers(provider, route=LOW_COST_ROUTE)
    )


def test_every_seated_passenger_gets_baggage_and_carry_on_tiers(
    provider: SandboxProvider,
) -> None:
    passengers = offer_passengers(adults=1, infants=1)
    offer = next(
        o
        for o in _offers(provider, route=LOW_COST_ROUTE, passengers=passengers)
        if o.requires_instant_payment
    )
    tiers = [s for s in offer.available_services if s.is_tier]
    assert {s.passenger_id for s in tiers} == {"pas_0"}  # the infant has no seat
    checked = [s for s in tiers if s.type == ServiceKind.BAGGAGE]
    cabin = {s.tier: s for s in tiers if s.type == ServiceKind.CARRY_ON}
    assert [s.maximum_weights_kg for s in checked[:2]] == [(15,), (23,)]
    assert checked[2].maximum_weights_kg == (20, 23) or (
        checked[2].total_weight_kg,
        checked[2].bag_count,
    ) == (40, 2)
    assert cabin["S"].unit_price.amount == 0 and cabin["L"].unit_price.amount > 0
    assert all(s.maximum_quantity == 1 for s in tiers)


def test_full_service_carry_on_is_included(provider: SandboxProvider) -> None:
    offer = next(o for o in _offers(provider) if not o.requires_instant_payment)
    cabin = [s for s in offer.available_services if s.type == ServiceKind.CARRY_ON]
    assert cabin and all(s.unit_price.amount == 0 for s in cabin)
    two = next(s for s in offer.available_services if s.tier == "C2")
    assert two.maximum_weights_kg == (23, 23)


def test_tiers_are_booked_as_services_one_of_each_kind(provider: SandboxProvider) -> None:
    offer = next(o for o in _offers(provider, route=LOW_COST_ROUTE) if o.requires_instant_payment)
    by_tier = {s.tier: s for s in offer.available_services if s.is_tier}
    priced = provider.price_services(offer, [(by_tier["C2"].id, 1), (by_tier["L"].id, 1)])
    assert [(s.type, s.total) for s in priced] == [
        ("baggage", by_tier["C2"].unit_price),
        ("carry_on", by_tier["L"].unit_price),
    ]
    with pytest.raises(ValidationFailed) as twice:
        provider.price_services(offer, [(by_tier["C1"].id, 1), (by_tier["C2"].id, 1)])
    assert twice.value.field == "services[1].id"
    with pytest.raises(ValidationFailed):
        provider.price_services(offer, [(by_tier["C1"].id, 2)])
