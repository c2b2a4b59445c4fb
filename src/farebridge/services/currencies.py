"""The selling currency of a search (the request's, else the account's, else the
operator's), and the preferred currencies amounts are also shown in."""

from __future__ import annotations

from farebridge.domain.account import User
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.preferred_currencies import PreferredCurrencies
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


def preferred_currencies(deps: Dependencies) -> PreferredCurrencies:
    """The operator's preferred currencies with the current rates, to show amounts in."""
    return PreferredCurrencies(deps.policies.preferred_currencies, deps.rates.current())
