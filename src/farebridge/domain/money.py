"""Money: a Decimal amount in one ISO 4217 currency, rounded to its precision;
exchange rates that convert it into another currency."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

# Currencies whose minor unit is not 1/100 (ISO 4217).
_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "CLP": 0,
    "ISK": 0,
    "VND": 0,
    "UGX": 0,
    "XOF": 0,
    "XAF": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
    "LYD": 3,
    "IQD": 3,
}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


class NoExchangeRate(LookupError):
    """A conversion needed a currency the rates table does not know."""

    def __init__(self, currency: str) -> None:
        super().__init__(f"no exchange rate for {currency}")
        self.currency = currency


def exponent_of(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def _check_currency(currency: str) -> str:
    if not (
        len(currency) == 3 and currency.isascii() and currency.isalpha() and currency.isupper()
    ):
        raise ValueError(f"currency must be a 3-letter ISO 4217 code, got {currency!r}")
    return currency


def minor_units_at_most(amount: Decimal, currency: str) -> int:
    """The largest whole number of minor units not above ``amount`` (a price cap)."""
    _check_currency(currency)
    return int(amount.scaleb(exponent_of(currency)).to_integral_value(ROUND_FLOOR))


# The smallest unit of each currency code already checked: a search makes thousands of
# amounts (issue 14), each would check its code and build its quantum again.
_QUANTA: dict[str, Decimal] = {}


def _quantum(currency: str) -> Decimal:
    quantum = _QUANTA.get(currency)
    if quantum is None:
        _check_currency(currency)
        quantum = _QUANTA[currency] = Decimal(1).scaleb(-exponent_of(currency))
    return quantum


# Money.zero's instances, by currency code (at most 26³ codes pass the check).
_ZEROS: dict[str, Money] = {}


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        quantum = _quantum(self.currency)
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal, never a float")
        object.__setattr__(self, "amount", self.amount.quantize(quantum, ROUND_HALF_UP))

    @classmethod
    def _exact(cls, amount: Decimal, currency: str) -> Money:
        """``amount`` already at ``currency``'s precision, from two amounts that were (a
        sum, a difference, a whole multiple): nothing to check or round again."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse a decimal string (as sent on the wire) into Money."""
        try:
            value = Decimal(amount)
        except (InvalidOperation, TypeError) as exc:
            raise ValueError(f"not a decimal amount: {amount!r}") from exc
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {amount!r}")
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing in ``currency``: one shared instance per code (Money is immutable), as
        a search asks for thousands (issue 14)."""
        zero = _ZEROS.get(currency)
        if zero is None:
            zero = _ZEROS[currency] = Money(Decimal(0), currency)
        return zero

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(minor).scaleb(-exponent_of(currency)), currency)

    @property
    def minor(self) -> int:
        """The amount in minor units (cents), as stored in the database."""
        return int(self.amount.scaleb(exponent_of(self.currency)))

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money._exact(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money._exact(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if type(factor) is int:  # a count: the product keeps the precision
            return Money._exact(self.amount * factor, self.currency)
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def max_zero(self) -> Money:
        return self if self.amount > 0 else Money.zero(self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


# Default exchange rates: US dollars per unit of each currency. APPROXIMATE values,
# plausible for late 2026, not market data: migration 0006 seeds the
# ``exchange_rates`` table with them and the operator keeps that table current
# (``farebridge rates set|import``). The sandbox's simulated airlines also file
# their own fares at these fixed rates. Every currency a sandbox airline sells in
# must be here.
REFERENCE_USD_RATES: dict[str, Decimal] = {
    # the Americas
    "USD": Decimal("1"),
    "CAD": Decimal("0.72"),
    "MXN": Decimal("0.054"),
    "BRL": Decimal("0.185"),
    "ARS": Decimal("0.00072"),
    "CLP": Decimal("0.00105"),
    "COP": Decimal("0.00025"),
    "PEN": Decimal("0.28"),
    "UYU": Decimal("0.025"),
    # Europe
    "EUR": Decimal("1.16"),
    "GBP": Decimal("1.33"),
    "CHF": Decimal("1.25"),
    "SEK": Decimal("0.105"),
    "NOK": Decimal("0.099"),
    "DKK": Decimal("0.155"),
    "ISK": Decimal("0.0080"),
    "PLN": Decimal("0.272"),
    "CZK": Decimal("0.0475"),
    "HUF": Decimal("0.0030"),
    "RON": Decimal("0.228"),
    "RSD": Decimal("0.0099"),
    "UAH": Decimal("0.024"),
    "TRY": Decimal("0.024"),
    "GEL": Decimal("0.37"),
    "AZN": Decimal("0.588"),
    "KZT": Decimal("0.0019"),
    # the Middle East and Africa
    "AED": Decimal("0.2723"),
    "SAR": Decimal("0.2667"),
    "QAR": Decimal("0.2747"),
    "KWD": Decimal("3.26"),
    "BHD": Decimal("2.6596"),
    "OMR": Decimal("2.6008"),
    "JOD": Decimal("1.4104"),
    "ILS": Decimal("0.30"),
    "EGP": Decimal("0.0205"),
    "MAD": Decimal("0.108"),
    "TND": Decimal("0.34"),
    "ZAR": Decimal("0.057"),
    "NGN": Decimal("0.00066"),
    "KES": Decimal("0.00774"),
    "ETB": Decimal("0.0072"),
    "GHS": Decimal("0.082"),
    "XOF": Decimal("0.00177"),
    "XAF": Decimal("0.00177"),
    # Asia and the Pacific
    "JPY": Decimal("0.0066"),
    "CNY": Decimal("0.140"),
    "HKD": Decimal("0.1285"),
    "TWD": Decimal("0.032"),
    "KRW": Decimal("0.00071"),
    "SGD": Decimal("0.77"),
    "MYR": Decimal("0.236"),
    "THB": Decimal("0.0305"),
    "IDR": Decimal("0.000061"),
    "VND": Decimal("0.000038"),
    "PHP": Decimal("0.0172"),
    "INR": Decimal("0.0113"),
    "PKR": Decimal("0.00355"),
    "BDT": Decimal("0.0082"),
    "LKR": Decimal("0.0033"),
    "UZS": Decimal("0.000080"),
    "AUD": Decimal("0.66"),
    "NZD": Decimal("0.58"),
}


MAX_USD_PER_UNIT = Decimal(100_000)


def check_rate(currency: str, usd_per_unit: Decimal) -> Decimal:
    """A rate an operator may store: a 3-letter code and a positive, finite, sane value.

    Returns the value without trailing zeros; ``ValueError`` says what is wrong."""
    _check_currency(currency)
    if not usd_per_unit.is_finite() or usd_per_unit <= 0:
        raise ValueError(f"the rate of {currency} must be a positive number, got {usd_per_unit}")
    if usd_per_unit > MAX_USD_PER_UNIT:
        raise ValueError(f"the rate of {currency} is implausibly large: {usd_per_unit}")
    normal = usd_per_unit.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    """One row of the rates table: what one unit of ``currency`` is worth in US dollars."""

    currency: str
    usd_per_unit: Decimal
    updated_at: datetime


@dataclass(frozen=True, slots=True, eq=False)
class ExchangeRates:
    """A rates table (US dollars per unit) that converts ``Money`` between its currencies."""

    usd_per_unit: Mapping[str, Decimal]

    @classmethod
    def of(cls, rates: list[ExchangeRate]) -> ExchangeRates:
        return cls({rate.currency: rate.usd_per_unit for rate in rates})

    def knows(self, currency: str) -> bool:
        return currency in self.usd_per_unit

    def rate(self, source: str, target: str) -> Decimal:
        """Units of ``target`` for one unit of ``source``; ``NoExchangeRate`` if unknown."""
        if source == target:
            return Decimal(1)
        return self._usd(source) / self._usd(target)

    def convert(self, money: Money, target: str) -> Money:
        """``money`` in ``target``, rounded half up to the target's precision."""
        return Money(money.amount * self.rate(money.currency, target), target)

    def _usd(self, currency: str) -> Decimal:
        try:
            return self.usd_per_unit[currency]
        except KeyError:
            raise NoExchangeRate(currency) from None
