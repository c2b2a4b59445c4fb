"""The coupon rule (ADR 0024): validity, uses, minimum spend, and a discount that is
never negative and never above the fare."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from farebridge.domain.cancellation import quote_refund
from farebridge.domain.coupons import Coupon, discount_for, normalise_code
from farebridge.domain.errors import InvalidCoupon, ValidationFailed
from farebridge.domain.money import ExchangeRates, Money
from farebridge.domain.order import OrderStatus
from tests.factories import DEFAULT_RATES, create_order

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)


def create_coupon(
    *,
    code: str = "SPRING10",
    amount: Money | None = None,
    percent: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    max_uses: int | None = None,
    uses: int = 0,
    minimum_spend: Money | None = None,
) -> Coupon:
    if amount is None and percent is None:
        percent = 10
    return Coupon(
        id="cpn_1",
        code=code,
        created_at=NOW - timedelta(days=1),
        amount=amount,
        percent=percent,
        valid_from=valid_from,
        valid_until=valid_until,
        max_uses=max_uses,
        uses=uses,
        minimum_spend=minimum_spend,
    )


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def discount(coupon: Coupon, fare: Money, spend: Money | None = None) -> Money:
    return discount_for(coupon, fare=fare, spend=spend or fare, now=NOW, rates=DEFAULT_RATES)


def refusal(coupon: Coupon, fare: Money, spend: Money | None = None) -> str:
    with pytest.raises(InvalidCoupon) as raised:
        discount(coupon, fare, spend)
    assert raised.value.field == "coupon_code"
    assert isinstance(raised.value, ValidationFailed)  # a 400
    return raised.value.code


def test_a_percentage_is_taken_off_the_fare() -> None:
    assert discount(create_coupon(percent=10), usd("450.00")) == usd("45.00")
    assert discount(create_coupon(percent=15), usd("99.99")) == usd("15.00")  # 14.9985


def test_a_fixed_amount_is_taken_off_in_the_selling_currency() -> None:
    coupon = create_coupon(amount=usd("10.00"))
    assert discount(coupon, usd("450.00")) == usd("10.00")
    # 10 USD at 1.16 USD per EUR: 8.62 EUR
    in_euros = discount(coupon, Money(Decimal("300.00"), "EUR"))
    assert in_euros == Money(Decimal("8.62"), "EUR")


def test_the_discount_never_exceeds_the_fare() -> None:
    assert discount(create_coupon(amount=usd("750.00")), usd("120.00")) == usd("120.00")
    assert discount(create_coupon(percent=100), usd("120.00")) == usd("120.00")


def test_validity_dates_and_uses() -> None:
    fare = usd("100.00")
    assert refusal(create_coupon(valid_from=NOW + timedelta(seconds=1)), fare) == (
        "coupon_not_yet_valid"
    )
    assert refusal(create_coupon(valid_until=NOW), fare) == "coupon_expired"
    assert discount(create_coupon(valid_from=NOW, valid_until=NOW + timedelta(1)), fare)
    assert refusal(create_coupon(max_uses=3, uses=3), fare) == "coupon_used_up"
    assert discount(create_coupon(max_uses=3, uses=2), fare) == usd("10.00")


def test_a_minimum_spend_counts_the_extras_and_is_converted() -> None:
    coupon = create_coupon(minimum_spend=usd("200.00"))
    assert refusal(coupon, usd("150.00"), spend=usd("199.99")) == "coupon_minimum_spend"
    assert discount(coupon, usd("150.00"), spend=usd("200.00")) == usd("15.00")
    euros = Money(Decimal("150.00"), "EUR")  # 200 USD = 172.41 EUR
    assert refusal(coupon, euros, spend=Money(Decimal("172.40"), "EUR")) == "coupon_minimum_spend"


def test_a_currency_without_a_rate_is_refused_naming_the_coupon() -> None:
    rates = ExchangeRates({"USD": Decimal(1)})
    coupon = create_coupon(amount=usd("10.00"))
    with pytest.raises(InvalidCoupon) as raised:
        discount_for(
            coupon,
            fare=Money(Decimal("90"), "EUR"),
            spend=Money(Decimal("90"), "EUR"),
            now=NOW,
            rates=rates,
        )
    assert raised.value.code == "coupon_currency_unsupported"


def test_codes_are_case_insensitive_and_terms_checked() -> None:
    assert normalise_code("  spring10 ") == "SPRING10"
    with pytest.raises(ValidationFailed) as both:
        create_coupon(amount=usd("5"), percent=5)
    assert both.value.field == "amount"
    for terms, field in [
        ({"percent": 0}, "percent"),
        ({"percent": 101}, "percent"),
        ({"amount": usd("0")}, "amount"),
        ({"max_uses": 0}, "max_uses"),
        ({"code": "spring10"}, "code"),
        ({"code": "AB"}, "code"),
        ({"valid_from": NOW, "valid_until": NOW}, "valid_until"),
    ]:
        with pytest.raises(ValidationFailed) as raised:
            create_coupon(**terms)  # type: ignore[arg-type]
        assert raised.value.field == field, terms


def test_an_order_pays_its_total_less_the_discount_and_refunds_no_more() -> None:
    order = create_order(status=OrderStatus.TICKETED, base="100.00", tax="50.00", refundable=False)
    discounted = replace(order, coupon_code="BIG", discount=Money(Decimal("120.00"), "GBP"))
    assert discounted.gross_total == Money(Decimal("150.00"), "GBP")
    assert discounted.total == Money(Decimal("30.00"), "GBP")
    refund, kept = quote_refund(discounted, now=datetime(2029, 12, 5, tzinfo=UTC))
    assert refund == Money(Decimal("30.00"), "GBP"), "never more than was paid"
    assert refund + kept == discounted.charged_total
    cheaper = replace(discounted, base=Money(Decimal("50.00"), "GBP"))  # a change: fare 100
    assert cheaper.discount_total == Money(Decimal("100.00"), "GBP")
    assert cheaper.total.amount == 0


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
currencies = st.sampled_from(["USD", "EUR", "JPY", "KWD", "GBP"])


@given(
    fare=amounts,
    currency=currencies,
    fixed=st.one_of(st.none(), amounts),
    coupon_currency=currencies,
    percent=st.integers(min_value=1, max_value=100),
)
def test_a_discount_is_never_negative_nor_above_the_fare(
    fare: Decimal, currency: str, fixed: Decimal | None, coupon_currency: str, percent: int
) -> None:
    price = Money(fare, currency)
    coupon = (
        create_coupon(amount=Money(fixed, coupon_currency))
        if fixed is not None and Money(fixed, coupon_currency).amount > 0
        else create_coupon(percent=percent)
    )
    off = discount(coupon, price)
    assert off.currency == currency
    assert Money.zero(currency) <= off <= price
