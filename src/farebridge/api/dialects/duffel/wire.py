"""Duffel's wire formats: timestamps, money, ids of reference objects, list envelopes.

Instants are UTC with microseconds and ``Z`` (``2030-01-17T10:12:14.545000Z``):
some fields must carry a fraction for the official Python client, and one format
everywhere is what its users asked for. Segment times are the airport's local
time with no offset and no fraction. Amounts are strings with two decimals.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from farebridge.domain.money import Money
from farebridge.services.ports import Page


def instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def optional_instant(value: datetime | None) -> str | None:
    return None if value is None else instant(value)


def local(value: datetime) -> str:
    return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")


def amount(money: Money) -> str:
    return str(money.amount)


def airport_id(code: str, country: str) -> str:
    return f"arp_{code.lower()}_{country.lower()}"


def city_id(code: str, country: str) -> str:
    return f"cit_{code.lower()}_{country.lower()}"


def airline_id(code: str) -> str:
    return f"arl_{code.lower()}"


def aircraft_id(code: str) -> str:
    return f"arc_{code.lower()}"


def code_of(reference_id: str, prefix: str) -> str | None:
    """``arp_lhr_gb`` → ``LHR`` (None when the id is not of that kind)."""
    head, _, rest = reference_id.partition("_")
    if head != prefix or not rest:
        return None
    return rest.split("_")[0].upper()


def data(item: Any) -> dict[str, Any]:
    return {"data": item}


def page_of(items: list[Any], page: Page[Any]) -> dict[str, Any]:
    return {
        "data": items,
        "meta": {"after": page.after, "before": page.before, "limit": page.limit},
    }


def whole_list(items: list[Any], limit: int) -> dict[str, Any]:
    """A list that fits on one page (seat maps, cancellations of one order)."""
    return {"data": items, "meta": {"after": None, "before": None, "limit": limit}}
