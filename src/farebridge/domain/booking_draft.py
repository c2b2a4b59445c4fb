"""A signed-in traveller's booking in progress on the web site (ADR 0035).

A draft is what the site needs to put the traveller back where they were after a
reload: the step, the search, the offer, the passenger forms as typed, the seats
and bags chosen. It is not an order and promises nothing; it never holds card data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from farebridge.domain.errors import ValidationFailed

# 13 to 19 digits, possibly grouped by spaces or hyphens, as card numbers are written.
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){12,18}")


@dataclass(frozen=True, slots=True)
class BookingDraft:
    id: str
    user_id: str
    content: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    expires_at: datetime


def passes_luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def looks_like_card_number(text: str) -> bool:
    """A run of 13 to 19 digits that passes the Luhn check: a payment card number."""
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if passes_luhn(digits):
            return True
    return False


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def refuse_card_data(content: dict[str, Any]) -> None:
    """A draft never keeps a card number, whatever field it was typed in."""
    for path, text in _strings(content, ""):
        if looks_like_card_number(text):
            raise ValidationFailed(
                "A booking draft never keeps card numbers; remove it from this field.",
                field=path,
                code="card_data_refused",
            )
