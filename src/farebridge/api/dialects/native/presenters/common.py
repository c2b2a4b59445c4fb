"""Formats shared by the native presenters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from farebridge.api.dialects.native.models.common import Carrier, PageMeta
from farebridge.domain import itinerary
from farebridge.domain.money import Money
from farebridge.services.ports import Page


def instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def optional_instant(value: datetime | None) -> str | None:
    return None if value is None else instant(value)


def local(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(timespec="minutes") + ":00"


def amount(money: Money) -> str:
    return str(money.amount)


def present_page_meta(page: Page[Any]) -> PageMeta:
    return PageMeta(after=page.after, before=page.before, limit=page.limit)


def present_carrier(carrier: itinerary.Carrier) -> Carrier:
    return Carrier(iata_code=carrier.iata_code, name=carrier.name)
