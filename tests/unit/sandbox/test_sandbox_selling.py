"""The sandbox sells in the search's currency: fares, breakdowns, penalties, bags, seats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from farebridge.domain.money import REFERENCE_USD_RATES, ExchangeRates, Money
from farebridge.domain.offer import Offer, fare_totals
from farebridge.domain.search import PassengerType
from farebridge.domain.seatmap import SeatMap
from farebridge.places_data import load_places
from farebridge.providers.sandbox.fares.selling import FiledFare, SellingRate, sell_fare
from farebridge.providers.sandbox.provider import SandboxProvider
from farebridge.providers.sandbox.world.network import Network
from tests.factories import DEFAULT_RATES, FixedRates
from tests.unit.sandbox.conftest import (
    NOW,
    SEED,
    TRAVEL_ON,
    FakeInventory,
    airline,
    make_criteria,
    offer_passengers,
)

FAMILY = offer_passengers(adults=2, children=1, infants=1)


def _search(provider: SandboxProvider, currency: str, **criteria: object) -> list[Offer]:
    found = provider.search(
        "orq_1",
        make_criteria(currency=currency, **criteria),  # type: ignore[arg-type]
        now=NOW,
    )
    assert found.offers
    return found.offers


def _seat_prices(seat_map: SeatMap) -> list[Money]:
    return [
        service.total
        for cabin in seat_map.cabins
        for row in cabin.rows
        for section in row.sections
        for element in section
        for service in element.available_services
    ]


def test_every_amount_of_every_offer_is_in_the_search_currency(
    provider: SandboxProvider,
) -> None:
    offers = _search(provider, "EUR", route=(("LON", "NYC", TRAVEL_ON),), max_connections=1)
    assert {o.total.currency for o in offers} == {"EUR"}
    assert all(o.is_priced_in("EUR") for o in offers)
    owners = {airline(o.owner.iata_code).currency for o in offers}
    assert len(owners) > 1, "airlines of several currencies answer LON-NYC"
    for offer in offers:
        assert offer.airline_fare is not None
        assert offer.airline_fare.currency == airline(offer.owner.iata_code).currency


def test_the_offer_price_is_the_airline_fare_converted(provider: SandboxProvider) -> None:
    for offer in _search(provider, "EUR", passengers=FAMILY):
        assert offer.airline_fare is not None
        converted = DEFAULT_RATES.convert(offer.airline_fare, "EUR")
        # each passenger type's base and tax is rounded once to the cent
        assert abs(converted.amount - offer.total.amount) <= Decimal("0.03")


def test_the_breakdown_adds_up_exactly(provider: SandboxProvider) -> None:
    for currency in ("EUR", "JPY", "KWD"):
        for offer in _search(provider, currency, passengers=FAMILY):
            kinds = [(p.passenger_type, p.count) for p in offer.passenger_prices]
            assert kinds == [
                (PassengerType.ADULT, 2),
                (PassengerType.CHILD, 1),
                (PassengerType.INFANT_WITHOUT_SEAT, 1),
            ]
            assert fare_totals(offer.passenger_prices) == (offer.base, offer.tax)
            assert sum(
                (p.total * p.count for p in offer.passenger_prices), Money.zero(currency)
            ) == (offer.total)


CURRENCIES = sorted(REFERENCE_USD_RATES)


@given(
    airline_currency=st.sampled_from(CURRENCIES),
    currency=st.sampled_from(CURRENCIES),
    fare=st.integers(min_value=1, max_value=10**7),
    tax=st.integers(min_value=0, max_value=10**6),
    adults=st.integers(min_value=1, max_value=4),
    children=st.integers(min_value=0, max_value=4),
    infants=st.integers(min_value=0, max_value=1),
)
def test_any_fare_in_any_currency_breaks_down_exactly(
    airline_currency: str,
    currency: str,
    fare: int,
    tax: int,
    adults: int,
    children: int,
    infants: int,
) -> None:
    filed = FiledFare(Money.of(fare, airline_currency), Money.from_minor(tax, airline_currency))
    selling = SellingRate.between(DEFAULT_RATES, airline_currency, currency)
    passengers = offer_passengers(adults=adults, children=children, infants=infants)
    sold = sell_fare(filed, selling, passengers)
    assert fare_totals(sold.passenger_prices) == (sold.base, sold.tax)
    assert sum(p.count for p in sold.passenger_prices) == len(passengers)
    by_type = {p.passenger_type: p for p in sold.passenger_prices}
    assert by_type[PassengerType.ADULT].base == selling.sell(filed.fare)
    if children:
        assert by_type[PassengerType.CHILD].base == selling.sell(filed.fare * Decimal("0.75"))
    if infants:
        infant = by_type[PassengerType.INFANT_WITHOUT_SEAT]
        assert infant.base == selling.sell(filed.fare * Decimal("0.10"))
        assert infant.tax == Money.zero(currency)


def test_penalties_bags_and_seats_are_sold_in_the_search_currency(
    provider: SandboxProvider,
) -> None:
    offer = next(o for o in _search(provider, "JPY") if o.owner.iata_code == "BA")
    penalties = [
        rule.penalty
        for rule in (
            offer.conditions.refund_before_departure,
            offer.conditions.change_before_departure,
        )
        if rule.penalty is not None
    ]
    assert penalties or offer.fare_brand_name == "Basic"
    assert all(p.currency == "JPY" and p.amount == p.amount.to_integral_value() for p in penalties)
    assert offer.available_services and all(
        s.unit_price.currency == "JPY" for s in offer.available_services
    )
    seat_map = provider.seat_maps(offer, now=NOW)[0]
    prices = _seat_prices(seat_map)
    assert prices and {p.currency for p in prices} == {"JPY"}


def test_a_seat_costs_at_order_time_what_the_seat_map_showed(provider: SandboxProvider) -> None:
    offer = next(o for o in _search(provider, "EUR") if o.owner.iata_code == "BA")
    shown = next(
        service
        for cabin in provider.seat_maps(offer, now=NOW)[0].cabins
        for row in cabin.rows
        for section in row.sections
        for element in section
        for service in element.available_services
        if service.total.amount > 0
    )
    bag = offer.available_services[0]
    priced = provider.price_services(offer, [(shown.id, 1), (bag.id, 2)])
    assert [p.total for p in priced] == [bag.unit_price * 2, shown.total]


def test_an_offer_keeps_its_rate_when_the_operator_changes_the_table(
    inventory: FakeInventory, network: Network
) -> None:
    source = FixedRates()
    provider = SandboxProvider(inventory, load_places(), rates=source, seed=SEED, network=network)
    offer = next(o for o in _search(provider, "EUR") if o.owner.iata_code == "BA")
    seats_before = _seat_prices(provider.seat_maps(offer, now=NOW)[0])
    source.rates = ExchangeRates({**REFERENCE_USD_RATES, "EUR": Decimal("2")})
    assert _seat_prices(provider.seat_maps(offer, now=NOW)[0]) == seats_before
    again = next(o for o in _search(provider, "EUR") if o.owner.iata_code == "BA")
    assert again.total < offer.total  # a dearer euro: fewer of them


def test_airlines_whose_currency_has_no_rate_are_not_offered(
    inventory: FakeInventory, network: Network
) -> None:
    without_pound = {code: rate for code, rate in REFERENCE_USD_RATES.items() if code != "GBP"}
    provider = SandboxProvider(
        inventory,
        load_places(),
        rates=FixedRates(ExchangeRates(without_pound)),
        seed=SEED,
        network=network,
    )
    london = {"route": (("LON", "NYC", TRAVEL_ON),), "max_connections": 1}
    offers = _search(provider, "USD", **london)
    assert all(airline(o.owner.iata_code).currency != "GBP" for o in offers)


def test_a_price_change_raises_the_fare_and_keeps_the_breakdown_exact(
    provider: SandboxProvider,
) -> None:
    offer = next(
        o for o in _search(provider, "EUR", passengers=FAMILY) if not o.requires_instant_payment
    )
    repriced = provider.recheck_offer(offer, now=NOW, scenarios=frozenset({"price_change"}))
    assert repriced.id == offer.id and repriced.total.currency == "EUR"
    assert repriced.base > offer.base and repriced.tax == offer.tax
    assert fare_totals(repriced.passenger_prices) == (repriced.base, repriced.tax)
    assert repriced.airline_fare is not None and offer.airline_fare is not None
    assert repriced.airline_fare > offer.airline_fare


@pytest.mark.parametrize("currency", ["GBP", "USD"])
def test_selling_in_the_airline_currency_changes_nothing(
    provider: SandboxProvider, currency: str
) -> None:
    for offer in _search(provider, currency):
        if offer.airline_fare is not None and offer.airline_fare.currency == currency:
            assert offer.airline_fare == offer.total
