"""Card surcharges, passenger-form requirements and preferred currencies (domain)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from farebridge.domain.cancellation import quote_refund
from farebridge.domain.card_surcharges import CardSurcharge, CardType, surcharge_for
from farebridge.domain.errors import AmountMismatch
from farebridge.domain.itinerary import Slice
from farebridge.domain.money import ExchangeRates, Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderStatus
from farebridge.domain.passenger_requirements import (
    BILLING_LINE_1,
    BORN_ON,
    DOCUMENT_NUMBER,
    EMAIL,
    GENDER,
    TITLE,
    FieldRequirement,
    passenger_requirements,
)
from farebridge.domain.payment import PaymentType, check_amount
from farebridge.domain.preferred_currencies import PreferredCurrencies
from farebridge.domain.search import OfferPassenger, PassengerType
from farebridge.settings import Settings
from tests.factories import BA, create_order, create_slice

NOW = datetime(2029, 12, 5, tzinfo=UTC)
FEES = (
    CardSurcharge(CardType.VISA, Money.of("4.50", "GBP")),
    CardSurcharge(CardType.VISA_DEBIT, Money.of("0", "GBP")),
)


def gbp(amount: str) -> Money:
    return Money.of(amount, "GBP")


def _offer(*, slices: tuple[Slice, ...] | None = None, children: int = 0) -> Offer:
    children_ = (OfferPassenger(f"pas_c{i}", PassengerType.CHILD) for i in range(children))
    passengers = (OfferPassenger("pas_1", PassengerType.ADULT), *children_)
    return Offer(
        id="off_1",
        offer_request_id="orq_1",
        owner=BA,
        slices=slices if slices is not None else (create_slice(),),
        passengers=passengers,
        base=gbp("100"),
        tax=gbp("20"),
        conditions=create_order().conditions,
        fare_brand_name="Standard",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=30),
        requires_instant_payment=True,
        hold_lifetime=None,
        card_surcharges=FEES,
    )


def test_a_card_type_pays_its_fee_and_an_unlisted_one_or_no_card_pays_none() -> None:
    assert surcharge_for(FEES, CardType.VISA, "GBP") == gbp("4.50")
    assert surcharge_for(FEES, CardType.AMERICAN_EXPRESS, "GBP") == gbp("0")
    assert surcharge_for(FEES, None, "GBP") == gbp("0")
    offer = _offer()
    assert offer.card_surcharge(CardType.VISA) == gbp("4.50")
    assert offer.is_priced_in("GBP") and not replace(
        offer, card_surcharges=(CardSurcharge(CardType.VISA, Money.of("5", "EUR")),)
    ).is_priced_in("GBP")


def test_an_order_is_due_its_total_plus_the_card_fee_and_charged_what_was_paid() -> None:
    order = replace(create_order(), card_surcharges=FEES)
    assert order.amount_due(CardType.VISA) == gbp("454.50")
    assert order.amount_due(None) == gbp("450.00")
    assert order.charged_total == gbp("450.00")
    assert replace(order, surcharge=gbp("4.50")).charged_total == gbp("454.50")


def test_the_amount_check_names_the_field_and_the_fee_included() -> None:
    with pytest.raises(AmountMismatch) as refused:
        check_amount(
            gbp("450.00"), gbp("454.50"), field="payments[0].amount", surcharge=gbp("4.50")
        )
    assert refused.value.field == "payments[0].amount"
    assert "454.50 GBP" in str(refused.value) and "card surcharge of 4.50 GBP" in str(refused.value)


def test_a_void_refunds_the_card_fee_and_a_kept_fare_keeps_it() -> None:
    paid = replace(create_order(status=OrderStatus.PAID), surcharge=gbp("4.50"))
    assert quote_refund(paid, now=NOW) == (gbp("454.50"), gbp("0"))
    ticketed = replace(paid, status=OrderStatus.TICKETED)
    refund, penalty = quote_refund(ticketed, now=NOW)
    assert (refund, penalty) == (gbp("379.50"), gbp("75.00"))
    kept = replace(ticketed, conditions=create_order(refundable=False, penalty=None).conditions)
    assert quote_refund(kept, now=NOW) == (gbp("50.00"), gbp("404.50"))


def _required(requirements: tuple[FieldRequirement, ...]) -> dict[str, tuple[bool, bool]]:
    return {r.field: (r.required, r.per_person) for r in requirements}


def test_an_international_trip_needs_documents_and_birth_dates_of_everyone() -> None:
    fields = _required(passenger_requirements(_offer(), PaymentType.CARD))
    assert fields[TITLE] == fields[GENDER] == (True, True)
    assert fields[DOCUMENT_NUMBER] == (True, True)
    assert fields[BORN_ON] == (True, True)
    assert fields[EMAIL] == (True, False)
    assert fields[BILLING_LINE_1] == (True, False)


def test_a_domestic_trip_needs_birth_dates_of_children_only_and_billing_for_cards() -> None:
    slice_ = create_slice()
    segment = slice_.segments[0]
    domestic = replace(
        segment, destination=replace(segment.origin, iata_code="BOS", country_code="GB")
    )
    domestic = replace(domestic, origin=replace(segment.destination, iata_code="MAN"))
    trip = (replace(slice_, segments=(domestic,)),)
    adults = _required(passenger_requirements(_offer(slices=trip), PaymentType.BALANCE))
    assert adults[BORN_ON] == (False, True)
    assert adults[DOCUMENT_NUMBER] == (False, True)
    assert adults[BILLING_LINE_1] == (False, False)
    family = _required(passenger_requirements(_offer(slices=trip, children=1), PaymentType.CARD))
    assert family[BORN_ON] == (True, True) and family[BILLING_LINE_1] == (True, False)


def test_a_flight_touching_the_united_states_needs_every_birth_date() -> None:
    slice_ = create_slice()
    segment = slice_.segments[0]
    domestic = replace(segment, destination=replace(segment.origin, iata_code="BOS"))
    fields = _required(
        passenger_requirements(_offer(slices=(replace(slice_, segments=(domestic,)),)))
    )
    assert fields[BORN_ON] == (True, True) and fields[DOCUMENT_NUMBER] == (False, True)


def test_preferred_currencies_convert_in_order_and_skip_unknown_ones() -> None:
    rates = ExchangeRates({"USD": Decimal(1), "GBP": Decimal("1.25"), "EUR": Decimal("1.10")})
    preferred = PreferredCurrencies(("EUR", "XYZ", "USD"), rates)
    assert preferred.convert(gbp("100")) == (Money.of("113.64", "EUR"), Money.of("125", "USD"))


def test_preferred_currencies_are_read_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAREBRIDGE_PREFERRED_CURRENCIES", "gbp, USD")
    assert Settings(database_url="sqlite://").preferred_currencies == ("GBP", "USD")
    monkeypatch.setenv("FAREBRIDGE_PREFERRED_CURRENCIES", "")
    assert Settings(database_url="sqlite://").preferred_currencies == ()
    monkeypatch.setenv("FAREBRIDGE_PREFERRED_CURRENCIES", "GBP,POUNDS")
    with pytest.raises(ValueError, match="POUNDS"):
        Settings(database_url="sqlite://")
