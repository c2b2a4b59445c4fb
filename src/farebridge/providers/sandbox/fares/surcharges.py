"""Card surcharges of sandbox airlines: deterministic, by business model and airline code.

Low-cost and leisure airlines charge credit cards a fee, each airline one of three
ways (picked by its code, so always the same): a percentage of the fare, a fixed
amount per booking, or a fixed amount per seated passenger; American Express costs
a little more, a debit card nothing. A quarter of full-service airlines charge
American Express 1.5 % of the fare; other full-service and regional airlines
charge no card fees. Fixed fees are filed in whole units of the airline's currency
and sold like every other amount (``selling.py``); percentages are taken of the
offer's total in the selling currency. Extras bought with the order carry no fee.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from farebridge.domain.card_surcharges import CardSurcharge, CardType
from farebridge.domain.money import Money
from farebridge.providers.sandbox.fares.selling import SellingRate
from farebridge.providers.sandbox.world.airlines import Airline, BusinessModel

CREDIT_CARDS = (CardType.VISA, CardType.MASTERCARD)


class FeeScheme(StrEnum):
    NONE = "none"
    PERCENT = "percent"  # of the offer's total
    PER_BOOKING = "per_booking"
    PER_PASSENGER = "per_passenger"  # each seated passenger
    AMEX_PERCENT = "amex_percent"  # full service: American Express only


# (credit cards, American Express): a percentage, or US dollars filed in the airline's currency
PERCENTS = (Decimal("1.5"), Decimal("2.5"))
PER_BOOKING_USD = (Decimal(8), Decimal(10))
PER_PASSENGER_USD = (Decimal(5), Decimal(6))
FULL_SERVICE_AMEX_PERCENT = Decimal("1.5")


def _pick(code: str, choices: int) -> int:
    digest = hashlib.sha256(f"card-fee|{code}".encode()).digest()
    return digest[0] % choices


def fee_scheme(airline: Airline) -> FeeScheme:
    """How ``airline`` charges for cards; the same every time."""
    return _fee_scheme(airline.iata_code, airline.is_low_cost, airline.business_model)


@lru_cache(maxsize=4096)  # asked for per offer; one answer per airline
def _fee_scheme(code: str, low_cost: bool, model: BusinessModel) -> FeeScheme:
    if low_cost:
        return (FeeScheme.PERCENT, FeeScheme.PER_BOOKING, FeeScheme.PER_PASSENGER)[_pick(code, 3)]
    if model is BusinessModel.FULL_SERVICE and _pick(code, 4) == 0:
        return FeeScheme.AMEX_PERCENT
    return FeeScheme.NONE


def card_surcharges(
    airline: Airline, total: Money, seated_passengers: int, selling: SellingRate
) -> tuple[CardSurcharge, ...]:
    """The fee of every card type the airline accepts, for an offer of ``total``."""
    scheme = fee_scheme(airline)
    zero = Money.zero(total.currency)

    def percent(value: Decimal) -> Money:
        return Money(total.amount * value / 100, total.currency)

    credit, amex = zero, zero
    if scheme is FeeScheme.PERCENT:
        credit, amex = percent(PERCENTS[0]), percent(PERCENTS[1])
    elif scheme is FeeScheme.PER_BOOKING:
        credit, amex = (selling.sell_usd(usd) for usd in PER_BOOKING_USD)
    elif scheme is FeeScheme.PER_PASSENGER:
        credit, amex = (selling.sell_usd(usd) * seated_passengers for usd in PER_PASSENGER_USD)
    elif scheme is FeeScheme.AMEX_PERCENT:
        amex = percent(FULL_SERVICE_AMEX_PERCENT)
    return (
        *(CardSurcharge(card, credit) for card in CREDIT_CARDS),
        CardSurcharge(CardType.AMERICAN_EXPRESS, amex),
        CardSurcharge(CardType.VISA_DEBIT, zero),
    )
