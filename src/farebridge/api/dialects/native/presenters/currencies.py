"""Currencies and exchange rates."""

from __future__ import annotations

from farebridge.api.dialects.native.models import currencies as wire
from farebridge.api.dialects.native.presenters.common import instant
from farebridge.domain.money import ExchangeRate


def present_currencies(default: str, rates: list[ExchangeRate]) -> wire.Currencies:
    return wire.Currencies.model_construct(
        default_currency=default,
        rates=[
            wire.ExchangeRate.model_construct(
                currency=rate.currency,
                usd_per_unit=format(rate.usd_per_unit, "f"),
                updated_at=instant(rate.updated_at),
            )
            for rate in rates
        ],
    )
