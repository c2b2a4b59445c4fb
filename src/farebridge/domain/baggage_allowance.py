"""Seed 002's baggage allowances, per passenger of a booking: hand baggage up to 7 kg;
15 kg checked free; the excess over 15 kg is summed over the passengers, and more
than 30 kg of excess in one booking is refused."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import Money

HAND_MAX_KG = Decimal(7)
CHECKED_FREE_KG = Decimal(15)
EXCESS_MAX_KG = Decimal(30)


def excess_checked_kg(bags: Sequence[tuple[Decimal, Decimal]], *, field: str) -> Decimal:
    """The booking's checked excess for (hand kg, checked kg) per passenger; errors name
    ``{field}[i].hand_baggage`` or ``{field}``."""
    excess = Decimal(0)
    for index, (hand, checked) in enumerate(bags):
        if hand < 0 or checked < 0:
            raise ValidationFailed("Baggage weight cannot be negative.", field=f"{field}[{index}]")
        if hand > HAND_MAX_KG:
            raise ValidationFailed(
                f"Hand baggage is limited to {HAND_MAX_KG} kg per passenger.",
                field=f"{field}[{index}].hand_baggage",
            )
        excess += max(Decimal(0), checked - CHECKED_FREE_KG)
    if excess > EXCESS_MAX_KG:
        raise ValidationFailed(
            f"At most {EXCESS_MAX_KG} kg of checked baggage over the {CHECKED_FREE_KG} kg "
            "allowance per passenger can be carried in one booking.",
            field=field,
        )
    return excess


class ExcessMode(StrEnum):
    """How the excess is paid for: booked ahead at a tier price, or per kg at check-in."""

    PRE_BOOKING = "PRE-BOOKING"
    AT_AIRPORT = "AT-AIRPORT"

    @classmethod
    def parse(cls, text: str) -> ExcessMode:
        """The seed's spellings: PRE-BOOKING / PRE_BOOKING, AT-AIRPORT / AT_AIRPORT."""
        return cls(text.strip().upper().replace("_", "-"))


# Seed 002's prices in its currency, Indian rupees, per flight: at the airport per kg;
# booked ahead by tier, the heaviest excess a tier covers → its price.
EXCESS_CURRENCY = "INR"
AT_AIRPORT_PER_KG = Decimal(550)
PRE_BOOKING_TIERS: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal(3), Decimal(1350)),
    (Decimal(5), Decimal(2250)),
    (Decimal(10), Decimal(4500)),
    (Decimal(15), Decimal(6750)),  # the seed's search advertises 6,750 (its code has 6,700)
    (Decimal(20), Decimal(9000)),
    (Decimal(30), Decimal(13500)),
)


def excess_price(excess_kg: Decimal, mode: ExcessMode) -> Money:
    """What ``excess_kg`` of checked baggage over the allowance costs on one flight, in
    ``EXCESS_CURRENCY``: the smallest tier that covers it when booked ahead, per kg at
    the airport. No excess costs nothing; more than the largest tier is refused
    (``excess_checked_kg`` refuses it first)."""
    if excess_kg <= 0:
        return Money(Decimal(0), EXCESS_CURRENCY)
    if mode is ExcessMode.AT_AIRPORT:
        return Money(excess_kg * AT_AIRPORT_PER_KG, EXCESS_CURRENCY)
    for covers, price in PRE_BOOKING_TIERS:
        if excess_kg <= covers:
            return Money(price, EXCESS_CURRENCY)
    raise ValidationFailed(
        f"At most {PRE_BOOKING_TIERS[-1][0]} kg of excess baggage can be booked ahead.",
        field="passengers",
    )
