"""Formats shared by the native presenters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ParamSpec, TypeVar, cast

from farebridge.api.dialects.native.models.common import Carrier, PageMeta
from farebridge.domain import itinerary
from farebridge.domain.money import Money
from farebridge.services.ports import Page

P = ParamSpec("P")
R = TypeVar("R")


def shared(present: Callable[P, R]) -> Callable[P, R]:
    """Present each frozen value object (an airport, a carrier, a fare condition) once.

    A page of offers shows the same few hundreds of times; the models are frozen,
    so one instance can stand in every place. Bounded, so memory stays flat.
    """
    return cast(Callable[P, R], lru_cache(maxsize=4096)(present))


def instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def optional_instant(value: datetime | None) -> str | None:
    return None if value is None else instant(value)


def local(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(timespec="minutes") + ":00"


def amount(money: Money) -> str:
    return str(money.amount)


def present_page_meta(page: Page[Any]) -> PageMeta:
    return PageMeta.model_construct(after=page.after, before=page.before, limit=page.limit)


@shared
def present_carrier(carrier: itinerary.Carrier) -> Carrier:
    return Carrier.model_construct(iata_code=carrier.iata_code, name=carrier.name)
