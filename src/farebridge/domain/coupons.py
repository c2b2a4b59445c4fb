"""Coupons (ADR 0024): a code that takes a fixed amount or a percentage off the fare.

A coupon is validated against the coupons table, never assumed: an unknown code is a
400 naming ``coupon_code`` (the seed system gave 750 off for any non-empty code).
The rule, :func:`discount_for`:

- the code is case-insensitive (stored upper-case);
- it applies from ``valid_from`` (inclusive) until ``valid_until`` (exclusive);
- ``max_uses`` bounds its redemptions in total (None: unlimited); the store redeems
  with a conditional update, so concurrency never exceeds it;
- ``minimum_spend`` is compared with what the order costs before the discount
  (fare and extras);
- the discount is taken off the fare (base and taxes, not the extras): a percentage
  of it, or a fixed amount converted from the coupon's currency into the selling
  currency at the current rates; never more than the fare, never negative.

Every refusal is :class:`InvalidCoupon` naming ``coupon_code`` with its own code:
``coupon_not_found``, ``coupon_not_yet_valid``, ``coupon_expired``,
``coupon_used_up``, ``coupon_minimum_spend``, ``coupon_currency_unsupported``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from farebridge.domain.errors import InvalidCoupon, ValidationFailed
from farebridge.domain.money import ExchangeRates, Money, NoExchangeRate

CODE_FIELD = "coupon_code"
_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")


def normalise_code(code: str) -> str:
    """The stored form of a code: trimmed and upper-case."""
    return code.strip().upper()


def is_well_formed(code: str) -> bool:
    """3 to 40 letters, digits, ``-`` or ``_`` (after :func:`normalise_code`)."""
    return _CODE_PATTERN.fullmatch(code) is not None


@dataclass(frozen=True, slots=True)
class Coupon:
    """A discount code. Exactly one of ``amount`` (a fixed Money amount) and ``percent``
    (a whole percentage of the fare, 1 to 100)."""

    id: str
    code: str
    created_at: datetime
    amount: Money | None = None
    percent: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None  # in total; None: unlimited
    minimum_spend: Money | None = None
    uses: int = 0

    def __post_init__(self) -> None:
        if not is_well_formed(self.code):
            raise ValidationFailed(
                f"A coupon code has 3 to 40 upper-case letters, digits, - or _; got {self.code!r}.",
                field="code",
                code="invalid_coupon_code",
            )
        if (self.amount is None) == (self.percent is None):
            raise ValidationFailed(
                "A coupon takes either a fixed amount or a percentage off, not both.",
                field="amount" if self.amount is not None else "percent",
            )
        if self.amount is not None and self.amount.amount <= 0:
            raise ValidationFailed("A coupon's amount must be positive.", field="amount")
        if self.percent is not None and not 1 <= self.percent <= 100:
            raise ValidationFailed("A coupon's percent is 1 to 100.", field="percent")
        if self.max_uses is not None and self.max_uses < 1:
            raise ValidationFailed("max_uses is at least 1 (or none: unlimited).", field="max_uses")
        if self.minimum_spend is not None and self.minimum_spend.amount <= 0:
            raise ValidationFailed("minimum_spend must be positive.", field="minimum_spend")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationFailed("valid_until must be after valid_from.", field="valid_until")

    @property
    def used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses


def check_valid(coupon: Coupon, *, now: datetime) -> None:
    """Raise unless ``coupon`` may be redeemed ``now`` (dates and uses)."""
    if coupon.valid_from is not None and now < coupon.valid_from:
        raise InvalidCoupon(
            f"Coupon {coupon.code} is valid from {coupon.valid_from.isoformat()}.",
            code="coupon_not_yet_valid",
        )
    if coupon.valid_until is not None and now >= coupon.valid_until:
        raise InvalidCoupon(
            f"Coupon {coupon.code} expired at {coupon.valid_until.isoformat()}.",
            code="coupon_expired",
        )
    if coupon.used_up:
        raise used_up(coupon.code)


def used_up(code: str) -> InvalidCoupon:
    return InvalidCoupon(f"Coupon {code} has been used up.", code="coupon_used_up")


def not_found(code: str) -> InvalidCoupon:
    return InvalidCoupon(f"There is no coupon {code!r}.", code="coupon_not_found")


def discount_for(
    coupon: Coupon, *, fare: Money, spend: Money, now: datetime, rates: ExchangeRates
) -> Money:
    """What ``coupon`` takes off an order whose fare is ``fare`` and whose price before
    the discount is ``spend`` (fare and extras), in the fare's currency; see the module
    docstring. Raises :class:`InvalidCoupon` when it does not apply."""
    check_valid(coupon, now=now)
    currency = fare.currency
    if coupon.minimum_spend is not None:
        minimum = _convert(rates, coupon.minimum_spend, currency, coupon.code)
        if spend < minimum:
            raise InvalidCoupon(
                f"Coupon {coupon.code} needs a spend of at least {minimum}; this order "
                f"costs {spend}.",
                code="coupon_minimum_spend",
            )
    if coupon.percent is not None:
        discount = fare * (Decimal(coupon.percent) / Decimal(100))
    else:
        assert coupon.amount is not None
        discount = _convert(rates, coupon.amount, currency, coupon.code)
    return cap_discount(discount, fare)


def cap_discount(discount: Money, fare: Money) -> Money:
    """``discount`` between zero and ``fare``."""
    discount = discount.max_zero()
    return fare.max_zero() if fare < discount else discount


def _convert(rates: ExchangeRates, money: Money, currency: str, code: str) -> Money:
    try:
        return rates.convert(money, currency)
    except NoExchangeRate as missing:
        raise InvalidCoupon(
            f"Coupon {code} is in {money.currency}, which cannot be converted to "
            f"{currency} (no exchange rate for {missing.currency}).",
            code="coupon_currency_unsupported",
        ) from None
