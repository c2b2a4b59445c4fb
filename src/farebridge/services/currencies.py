"""The selling currency of a search: the request's, else the account's, else the operator's."""

from __future__ import annotations

from farebridge.domain.account import User
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import Money
from farebridge.services.ports import Dependencies


def check_sellable(deps: Dependencies, currency: str, *, field: str) -> str:
    """``currency`` when the rates table can price in it; 400 naming ``field`` otherwise."""
    if not deps.rates.current().knows(currency):
        raise ValidationFailed(
            f"Prices cannot be shown in {currency}: there is no exchange rate for it "
            "(GET /api/currencies lists the currencies we sell in).",
            field=field,
            code="unsupported_currency",
        )
    return currency


def selling_currency(deps: Dependencies, user: User | None, requested: str | None) -> str:
    """The currency every offer of a new search is priced in."""
    preferred = user.preferred_currency if user is not None else None
    chosen = requested or preferred or deps.policies.default_currency
    return check_sellable(deps, chosen, field="currency")


def in_display_currencies(deps: Dependencies, money: Money) -> list[Money]:
    """``money`` converted to each of the operator's display currencies that the rates
    table knows (for reference only: nothing is sold in them)."""
    rates = deps.rates.current()
    if not rates.knows(money.currency):
        return []
    return [
        money if currency == money.currency else rates.convert(money, currency)
        for currency in deps.policies.display_currencies
        if rates.knows(currency)
    ]
