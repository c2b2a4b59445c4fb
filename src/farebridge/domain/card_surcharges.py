"""Card surcharges: what an airline adds to a booking paid by card, per card type.

Low-cost airlines typically add a card fee (a percentage of the fare, or a fixed
amount per booking or per passenger); full-service airlines mostly charge none.
An offer lists the fee of every card type it accepts, in its selling currency
(zero where that card pays nothing); a card type it does not list pays nothing.
The fee is charged once, with the payment that pays the fare: a balance payment
never pays one, and a refund gives back what was charged, fee included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from farebridge.domain.money import Money


class CardType(StrEnum):
    """The card schemes airlines price fees for (the GDS two-letter codes)."""

    VISA = "VI"
    MASTERCARD = "CA"
    AMERICAN_EXPRESS = "AX"
    VISA_DEBIT = "VD"

    @property
    def is_debit(self) -> bool:
        return self is CardType.VISA_DEBIT


@dataclass(frozen=True, slots=True)
class CardSurcharge:
    """The fee for paying a whole booking with one card type."""

    card_type: CardType
    amount: Money


def surcharge_for(
    surcharges: Iterable[CardSurcharge], card_type: CardType | None, currency: str
) -> Money:
    """The fee for ``card_type`` (zero for a card type not listed, or no card at all)."""
    for surcharge in surcharges:
        if surcharge.card_type is card_type:
            return surcharge.amount
    return Money.zero(currency)
