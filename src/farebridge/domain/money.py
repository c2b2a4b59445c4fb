"""Money: a Decimal amount in one ISO 4217 currency, rounded to its precision."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def exponent_of(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def _check_currency(currency: str) -> str:
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ValueError(f"currency must be a 3-letter ISO 4217 code, got {currency!r}")
    return currency


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        _check_currency(self.currency)
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal, never a float")
        quantum = Decimal(1).scaleb(-exponent_of(self.currency))
        object.__setattr__(self, "amount", self.amount.quantize(quantum, ROUND_HALF_UP))

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
        return cls(Decimal(0), currency)

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
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
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


# Fixed reference rates (US dollars per unit) used only to compare and sort
# amounts in different currencies; never used to charge anyone.
REFERENCE_USD_RATES: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "CHF": Decimal("1.12"),
    "JPY": Decimal("0.0067"),
    "AED": Decimal("0.2723"),
    "SGD": Decimal("0.74"),
    "AUD": Decimal("0.66"),
    "CAD": Decimal("0.73"),
    "CNY": Decimal("0.138"),
    "HKD": Decimal("0.128"),
    "KRW": Decimal("0.00073"),
    "INR": Decimal("0.012"),
    "QAR": Decimal("0.2747"),
    "TRY": Decimal("0.031"),
    "SEK": Decimal("0.095"),
    "NOK": Decimal("0.094"),
    "DKK": Decimal("0.145"),
    "PLN": Decimal("0.25"),
    "BRL": Decimal("0.18"),
    "MXN": Decimal("0.055"),
    "ZAR": Decimal("0.054"),
    "NZD": Decimal("0.6"),
    "THB": Decimal("0.028"),
    "SAR": Decimal("0.2666"),
    "TWD": Decimal("0.031"),
    "MYR": Decimal("0.21"),
    "IDR": Decimal("0.000063"),
    "VND": Decimal("0.000040"),
    "ETB": Decimal("0.0083"),
    "EGP": Decimal("0.021"),
    "CLP": Decimal("0.00107"),
    "COP": Decimal("0.00025"),
    "KES": Decimal("0.0077"),
    "MAD": Decimal("0.1"),
}


def reference_usd_cents(money: Money) -> int:
    """The amount in US cents at the fixed reference rates, for sorting and filtering."""
    rate = REFERENCE_USD_RATES.get(money.currency)
    if rate is None:
        raise CurrencyMismatch(f"no reference rate for {money.currency}")
    return int((money.amount * rate * 100).to_integral_value(ROUND_HALF_UP))
