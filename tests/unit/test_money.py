from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from farebridge.domain.money import CurrencyMismatch, Money, reference_usd_cents


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


def test_reference_amounts_compare_across_currencies() -> None:
    assert reference_usd_cents(Money.of("100", "GBP")) > reference_usd_cents(Money.of("100", "EUR"))
    assert reference_usd_cents(Money.of("100", "USD")) == 10000
