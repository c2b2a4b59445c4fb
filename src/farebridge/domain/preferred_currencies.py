"""Amounts shown again in the operator's preferred currencies, for reference only.

``FAREBRIDGE_PREFERRED_CURRENCIES`` lists currencies (e.g. ``GBP,USD``) in which an
offer's total and card surcharges are also shown, converted at the engine's exchange
rates and rounded to each currency's precision. Nothing is ever charged in them: a
payment is in the selling currency. A listed currency the rates table lacks is left
out (the operator removed its rate), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from farebridge.domain.money import ExchangeRates, Money, NoExchangeRate


@dataclass(frozen=True, slots=True)
class PreferredCurrencies:
    currencies: tuple[str, ...]
    rates: ExchangeRates

    def convert(self, money: Money) -> tuple[Money, ...]:
        """``money`` in each preferred currency the rates know, in the listed order."""
        converted = []
        for currency in self.currencies:
            try:
                converted.append(self.rates.convert(money, currency))
            except NoExchangeRate:
                continue
        return tuple(converted)


NO_PREFERRED_CURRENCIES = PreferredCurrencies((), ExchangeRates.of([]))
