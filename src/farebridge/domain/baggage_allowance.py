"""Seed 002's baggage allowances, per passenger of a booking: hand baggage up to 7 kg;
15 kg checked free; the excess over 15 kg is summed over the passengers, and more
than 30 kg of excess in one booking is refused."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from farebridge.domain.errors import ValidationFailed

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
