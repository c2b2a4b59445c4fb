"""What a search prices the same way for every brand and itinerary of an airline (bags,
tiers, penalties, card fee schemes, the booking form's fields) is worked out once and
shared, and what is shared is what working it out again gives."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from farebridge.domain.itinerary import CabinClass
from farebridge.domain.money import REFERENCE_USD_RATES, ExchangeRates
from farebridge.domain.offer import Offer
from farebridge.domain.passenger_requirements import passenger_requirements
from farebridge.providers.sandbox.fares import extras, pricing, selling, surcharges
from farebridge.providers.sandbox.fares.pricing import brands_for, conditions_for
from farebridge.providers.sandbox.fares.selling import SellingRate
from farebridge.providers.sandbox.provider import SandboxProvider
from tests.unit.sandbox.conftest import NOW, airline, make_criteria


def _rate() -> SellingRate:
    return SellingRate.between(ExchangeRates(REFERENCE_USD_RATES), "GBP", "EUR")


def test_a_bag_price_and_penalties_are_converted_once_per_rate() -> None:
    rate = _rate()
    assert rate.sell_usd(Decimal(45)) is rate.sell_usd(Decimal(45))
    assert rate.sell_usd(Decimal(45)) == selling._sold_usd.__wrapped__(rate, Decimal(45))
    for brand in brands_for(airline("BA"), CabinClass.ECONOMY):
        filed = conditions_for(brand, "GBP")
        assert filed is conditions_for(brand, "GBP")
        assert filed == pricing._conditions.__wrapped__(
            brand.refund_penalty_usd,
            brand.refund_schedule_usd,
            brand.change_penalty_usd,
            brand.cancellation_cutoff,
            "GBP",
        )
        assert rate.sell_conditions(filed) is rate.sell_conditions(filed)
        assert rate.sell_conditions(filed) == selling._sold_conditions.__wrapped__(rate, filed)


def test_fee_schemes_and_low_cost_tiers_are_worked_out_once_per_airline() -> None:
    ryanair = airline("FR")
    assert extras.low_cost_tiers(ryanair, 800) is extras.low_cost_tiers(ryanair, 900)
    assert extras.low_cost_tiers(ryanair, 800) == extras._low_cost_tiers.__wrapped__(
        "FR", short=True
    )
    assert extras.low_cost_tiers(ryanair, 800) != extras.low_cost_tiers(ryanair, 3000)
    before = surcharges._fee_scheme.cache_info().hits
    assert surcharges.fee_scheme(ryanair) is surcharges.fee_scheme(ryanair)
    assert surcharges._fee_scheme.cache_info().hits > before


def test_the_booking_form_of_offers_alike_is_one_tuple(provider: SandboxProvider) -> None:
    offers: list[Offer] = provider.search("orq_1", make_criteria(), now=NOW).offers
    international = [o for o in offers if o.passenger_identity_documents_required]
    assert len(international) >= 2
    first, second = international[:2]
    assert passenger_requirements(first) is passenger_requirements(second)
    domestic = replace(first, passenger_identity_documents_required=False, slices=())
    assert passenger_requirements(domestic) != passenger_requirements(first)
