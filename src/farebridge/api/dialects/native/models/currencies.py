"""The currencies offers can be priced in, and the exchange rates behind them."""

from __future__ import annotations

from pydantic import Field

from farebridge.api.dialects.native.models.common import Currency, Instant, WireModel


class ExchangeRate(WireModel):
    currency: Currency
    usd_per_unit: str = Field(
        pattern=r"^\d+(\.\d+)?$",
        description="US dollars per unit of the currency, as a decimal string",
        examples=["1.16"],
    )
    updated_at: Instant


class Currencies(WireModel):
    default_currency: Currency = Field(
        description="Searches are priced in it when neither they nor the account name one"
    )
    rates: list[ExchangeRate] = Field(description="Every currency a search may be priced in")


class CurrenciesResponse(WireModel):
    data: Currencies
