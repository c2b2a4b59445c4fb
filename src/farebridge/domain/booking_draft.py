"""A signed-in traveller's booking in progress on the web site (ADR 0035).

A draft is what the site needs to put the traveller back where they were after a
reload: the step, the search, the offer, the passenger forms as typed, the seats
and bags chosen. It is not an order and promises nothing; it never holds card data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from farebridge.domain.hygiene import CardNumberRefused, holds_card_number, strings_in


@dataclass(frozen=True, slots=True)
class BookingDraft:
    id: str
    user_id: str
    content: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    expires_at: datetime


def refuse_card_data(content: dict[str, Any]) -> None:
    """A draft never keeps a card number, whatever field it was typed in (the API's
    input hygiene refuses them in every body already; a draft checks again, whoever
    calls). Phone numbers are no card numbers."""
    for path, text in strings_in(content):
        if "phone" not in path and holds_card_number(text):
            raise CardNumberRefused(
                "A booking draft never keeps card numbers; remove it from this field.",
                field=path,
            )
