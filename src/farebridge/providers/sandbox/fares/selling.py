"""From the airline's own prices to the selling currency of the search.

A sandbox airline files its fares, taxes, bags, seats and penalties in its own
currency (``pricing.py``, ``extras.py``, ``seats/``); the engine sells in the
search's currency. One rate per offer, taken from the engine's rates table when
the offer is made and kept in its provider reference, converts every amount of
that offer, so a seat or a bag priced later in the offer's life costs what it
cost when the offer was shown. Each passenger type's unit price is converted
first and the offer's totals are added up from those, so the breakdown always
sums exactly to the offer's price.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from farebridge.domain.money import CurrencyMismatch, ExchangeRates, Money
from farebridge.domain.offer import (
    ConditionRule,
    Conditions,
    Offer,
    PassengerPrice,
    fare_totals,
)
from farebridge.domain.search import OfferPassenger, PassengerType
from farebridge.providers.sandbox.fares.pricing import (
    PASSENGER_MULTIPLIERS,
    passenger_totals,
    to_currency,
)


@dataclass(frozen=True, slots=True)
class SellingRate:
    """Converts what an airline files in its currency into the selling currency."""

    airline_currency: str
    currency: str  # the selling currency
    rate: Decimal  # units of the selling currency per unit of the airline's

    @classmethod
    def between(cls, rates: ExchangeRates, airline_currency: str, currency: str) -> SellingRate:
        """``NoExchangeRate`` when the table lacks either currency."""
        return cls(airline_currency, currency, rates.rate(airline_currency, currency))

    def sell(self, filed: Money) -> Money:
        """An amount filed by the airline, in the selling currency (rounded to its precision)."""
        if filed.currency != self.airline_currency:
            raise CurrencyMismatch(f"the airline files in {self.airline_currency}, not {filed}")
        return Money(filed.amount * self.rate, self.currency)

    def sell_usd(self, amount_usd: Decimal) -> Money:
        """A price the airline files in whole units of its currency, sold."""
        return _sold_usd(self, amount_usd)

    def sell_conditions(self, conditions: Conditions) -> Conditions:
        return _sold_conditions(self, conditions)


# A search prices the same bags, tiers and penalties for every brand and itinerary of
# an airline: these conversions are pure functions of immutable values, so each is
# worked out once per rate (a rate is the search's: the caches hold a few hundred).
@lru_cache(maxsize=4096)
def _sold_usd(selling: SellingRate, amount_usd: Decimal) -> Money:
    return selling.sell(to_currency(amount_usd, selling.airline_currency, whole=True))


@lru_cache(maxsize=1024)
def _sold_conditions(selling: SellingRate, conditions: Conditions) -> Conditions:
    def rule(filed: ConditionRule) -> ConditionRule:
        penalty = None if filed.penalty is None else selling.sell(filed.penalty)
        schedule = tuple(
            replace(step, amount=None if step.amount is None else selling.sell(step.amount))
            for step in filed.schedule
        )
        return ConditionRule(filed.allowed, penalty, schedule)

    return Conditions(
        refund_before_departure=rule(conditions.refund_before_departure),
        change_before_departure=rule(conditions.change_before_departure),
        cancellation_cutoff=conditions.cancellation_cutoff,
    )


@dataclass(frozen=True, slots=True)
class FiledFare:
    """One adult's fare and one seat's taxes for the whole journey, as the airline files them."""

    fare: Money
    tax_per_seat: Money


@dataclass(frozen=True, slots=True)
class SoldFare:
    """An offer's price in the selling currency, per passenger type, and as the airline filed it."""

    base: Money
    tax: Money
    passenger_prices: tuple[PassengerPrice, ...]
    airline_fare: Money  # base + tax for everyone, in the airline's currency


def sell_fare(
    filed: FiledFare, selling: SellingRate, passengers: Iterable[OfferPassenger]
) -> SoldFare:
    """Children pay 75 % of the adult fare, infants without a seat 10 % and no seat taxes."""
    travelling = list(passengers)
    counts = Counter(passenger.type for passenger in travelling)
    no_tax = Money.zero(filed.tax_per_seat.currency)
    prices = tuple(
        PassengerPrice(
            kind,
            counts[kind],
            selling.sell(filed.fare * PASSENGER_MULTIPLIERS[kind]),
            selling.sell(filed.tax_per_seat if kind.occupies_seat else no_tax),
        )
        for kind in PassengerType
        if counts[kind]
    )
    base, tax = fare_totals(prices)
    airline_base, airline_tax = passenger_totals(filed.fare, filed.tax_per_seat, travelling)
    return SoldFare(base, tax, prices, airline_base + airline_tax)


def price_reference(filed: FiledFare, selling: SellingRate) -> dict[str, str]:
    """What the offer's provider reference keeps to price it again; JSON-serialisable."""
    return {
        "airline_currency": selling.airline_currency,
        "fare": str(filed.fare.amount),
        "tax_per_seat": str(filed.tax_per_seat.amount),
        "currency": selling.currency,
        "rate": str(selling.rate),
    }


def read_price_reference(reference: Mapping[str, Any]) -> tuple[FiledFare, SellingRate]:
    """The filed fare and the selling rate of an offer; ``KeyError``/``ValueError`` if absent."""
    price = reference["price"]
    airline_currency = str(price["airline_currency"])
    filed = FiledFare(
        Money.of(price["fare"], airline_currency), Money.of(price["tax_per_seat"], airline_currency)
    )
    try:
        rate = Decimal(str(price["rate"]))
    except InvalidOperation as exc:
        raise ValueError(f"not a rate: {price['rate']!r}") from exc
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"not a rate: {rate}")
    return filed, SellingRate(airline_currency, str(price["currency"]), rate)


def with_fare_raised(
    offer: Offer, filed: FiledFare, selling: SellingRate, factor: Decimal
) -> Offer:
    """The same offer after the airline raised its filed fare by ``factor``."""
    raised = FiledFare(filed.fare * factor, filed.tax_per_seat)
    sold = sell_fare(raised, selling, offer.passengers)
    return replace(
        offer,
        base=sold.base,
        tax=sold.tax,
        airline_fare=sold.airline_fare,
        passenger_prices=sold.passenger_prices,
        provider_reference={**offer.provider_reference, "price": price_reference(raised, selling)},
    )
