from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from farebridge.domain.money import (
    REFERENCE_USD_RATES,
    CurrencyMismatch,
    ExchangeRates,
    Money,
    NoExchangeRate,
    check_rate,
    exponent_of,
    minor_units_at_most,
)


def test_rounds_to_the_currency_precision() -> None:
    assert Money(Decimal("10.005"), "USD").amount == Decimal("10.01")
    assert Money(Decimal("1234.5"), "JPY").amount == Decimal("1235")
    assert Money(Decimal("1.2345"), "KWD").amount == Decimal("1.235")


def test_minor_units_round_trip() -> None:
    assert Money.of("450.00", "USD").minor == 45000
    assert Money.from_minor(45000, "USD") == Money.of("450", "USD")
    assert Money.from_minor(1235, "JPY").amount == Decimal("1235")


def test_mixing_currencies_raises() -> None:
    with pytest.raises(CurrencyMismatch):
        Money.of("1", "USD") + Money.of("1", "EUR")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        Money(10.5, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["usd", "US", "12A", "EURO"])
def test_currency_must_be_iso_code(bad: str) -> None:
    with pytest.raises(ValueError, match="currency"):
        Money.of("1", bad)


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_amount_must_be_a_finite_decimal(bad: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        Money.of(bad, "USD")


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_addition_is_exact_in_minor_units(a: int, b: int) -> None:
    total = Money.from_minor(a, "EUR") + Money.from_minor(b, "EUR")
    assert total.minor == a + b


@given(
    st.sampled_from(["EUR", "JPY", "KWD"]),
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4),
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4),
    st.integers(min_value=0, max_value=9),
)
def test_sums_differences_and_counts_are_what_the_constructor_makes(
    currency: str, x: Decimal, y: Decimal, count: int
) -> None:
    """``+``, ``-`` and ``* count`` skip the constructor's rounding (issue 14): the
    result must be what the checking constructor makes of the same amount, digit for
    digit (same exponent, same text)."""
    a, b = Money(x, currency), Money(y, currency)
    for short, reference in (
        (a + b, Money(a.amount + b.amount, currency)),
        (a - b, Money(a.amount - b.amount, currency)),
        (a * count, Money(a.amount * count, currency)),
    ):
        assert short == reference
        assert str(short) == str(reference)
        assert short.amount.as_tuple() == reference.amount.as_tuple()
        assert hash(short) == hash(reference)


def test_a_fraction_is_still_rounded() -> None:
    assert (Money.of("10.01", "USD") * Decimal("0.75")).amount == Decimal("7.51")  # 7.5075


@pytest.mark.parametrize("bad", ["usd", "EURO"])
def test_a_bad_code_is_refused_every_time(bad: str) -> None:
    Money.of("1", "USD")  # a good code seen first
    for _ in range(2):  # a bad one is never remembered as checked
        with pytest.raises(ValueError, match="currency"):
            Money(Decimal(1), bad)


RATES = ExchangeRates(
    {"USD": Decimal("1"), "EUR": Decimal("1.16"), "JPY": Decimal("0.0066"), "KWD": Decimal("3.26")}
)


def test_conversion_goes_through_dollars() -> None:
    assert RATES.convert(Money.of("100", "EUR"), "USD") == Money.of("116", "USD")
    assert RATES.convert(Money.of("116", "USD"), "EUR") == Money.of("100", "EUR")
    assert RATES.rate("EUR", "JPY") == Decimal("1.16") / Decimal("0.0066")


def test_conversion_rounds_half_up_to_the_target_precision() -> None:
    assert RATES.convert(Money.of("100", "EUR"), "JPY") == Money.of("17576", "JPY")  # 17575.76
    assert RATES.convert(Money.of("10", "USD"), "KWD") == Money.of("3.067", "KWD")  # 3.0674…
    assert RATES.convert(Money.of("0.01", "JPY"), "EUR").amount == Decimal("0.00")


def test_conversion_to_the_same_currency_changes_nothing() -> None:
    money = Money.of("612.40", "EUR")
    assert RATES.convert(money, "EUR") is money or RATES.convert(money, "EUR") == money
    assert RATES.rate("EUR", "EUR") == 1


def test_an_unknown_currency_has_no_rate() -> None:
    with pytest.raises(NoExchangeRate, match="XAU"):
        RATES.convert(Money.of("1", "USD"), "XAU")
    assert not RATES.knows("XAU") and RATES.knows("EUR")


def test_the_defaults_cover_sixty_currencies_with_their_precision() -> None:
    assert len(REFERENCE_USD_RATES) >= 60
    assert all(rate > 0 for rate in REFERENCE_USD_RATES.values())
    assert (
        ExchangeRates(REFERENCE_USD_RATES).knows("GBP")
        and exponent_of("JPY") == 0
        and exponent_of("BHD") == 3
    )


@given(st.integers(min_value=0, max_value=10**9))
def test_conversion_is_decimal_and_never_off_by_more_than_half_a_minor_unit(minor: int) -> None:
    money = Money.from_minor(minor, "EUR")
    converted = RATES.convert(money, "USD")
    exact = money.amount * Decimal("1.16")
    assert abs(converted.amount - exact) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("100.50", "USD", 10050), ("100.509", "USD", 10050), ("100.5", "JPY", 100)],
)
def test_a_price_cap_rounds_down(amount: str, currency: str, minor: int) -> None:
    assert minor_units_at_most(Decimal(amount), currency) == minor


def test_a_valid_rate_loses_its_trailing_zeros() -> None:
    assert str(check_rate("EUR", Decimal("1.0900"))) == "1.09"
    assert str(check_rate("KWD", Decimal("3E+0"))) == "3"


@pytest.mark.parametrize(
    ("currency", "rate", "message"),
    [
        ("EUR", "0", "positive"),
        ("EUR", "-1.2", "positive"),
        ("EUR", "NaN", "positive"),
        ("EUR", "Infinity", "positive"),
        ("EUR", "1E+9", "implausibly large"),
        ("EURO", "1.1", "3-letter"),
        ("eur", "1.1", "3-letter"),
        ("E1R", "1.1", "3-letter"),
    ],
)
def test_an_invalid_rate_is_refused(currency: str, rate: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_rate(currency, Decimal(rate))


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
def test_zero_is_one_shared_amount_at_the_currency_precision(currency: str) -> None:
    zero = Money.zero(currency)
    assert zero is Money.zero(currency)
    assert zero == Money(Decimal(0), currency)
    assert str(zero) == str(Money(Decimal(0), currency))
    assert (zero + Money.of("12.5", currency)) == Money.of("12.5", currency)


def test_zero_refuses_a_bad_currency_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="3-letter"):
            Money.zero("eur")
