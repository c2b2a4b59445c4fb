"""Exchange rates: the operator's table (list, set, import) and the cached reading of it.

Rates are US dollars per unit of each currency. Every change is validated
whole before anything is written, then written in one transaction: an import
applies completely or not at all. Processes read the table through
``CachedExchangeRates``, so a change reaches every API process and worker
within ``FAREBRIDGE_EXCHANGE_RATES_CACHE_SECONDS``.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import ExchangeRate, ExchangeRates, check_rate
from farebridge.services.ports import Dependencies, UnitOfWork

CSV_HEADER = ["currency", "usd_per_unit"]


class CachedExchangeRates:
    """The rates table, read at most once per ``ttl_seconds`` (``ExchangeRateSource``)."""

    def __init__(
        self,
        uow: Callable[..., UnitOfWork],
        *,
        ttl_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow = uow
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cached: tuple[float, ExchangeRates] | None = None

    def current(self) -> ExchangeRates:
        with self._lock:
            now = self._monotonic()
            if self._cached is None or now - self._cached[0] >= self._ttl:
                with self._uow(read_only=True) as uow:
                    self._cached = (now, ExchangeRates.of(uow.exchange_rates.list()))
            return self._cached[1]

    def forget(self) -> None:
        with self._lock:
            self._cached = None


@dataclass(frozen=True, slots=True)
class RateChange:
    currency: str
    before: Decimal | None  # None: a currency new to the table
    after: Decimal


def list_rates(deps: Dependencies) -> list[ExchangeRate]:
    with deps.uow(read_only=True) as uow:
        return uow.exchange_rates.list()


def set_rates(deps: Dependencies, rates: Mapping[str, Decimal]) -> list[RateChange]:
    """Validate every rate, then store those that differ in one transaction; returns them."""
    wanted = _checked(rates)
    now = deps.clock.now()
    with deps.uow() as uow:
        before = {rate.currency: rate.usd_per_unit for rate in uow.exchange_rates.list()}
        changes = [
            RateChange(code, before.get(code), value)
            for code, value in sorted(wanted.items())
            if before.get(code) != value
        ]
        uow.exchange_rates.put_many([ExchangeRate(c.currency, c.after, now) for c in changes])
        uow.commit()
    deps.rates.forget()
    return changes


def _checked(rates: Mapping[str, Decimal]) -> dict[str, Decimal]:
    if not rates:
        raise ValidationFailed("No rates given.", field="rates", code="required")
    checked: dict[str, Decimal] = {}
    for currency, value in rates.items():
        try:
            checked[currency] = check_rate(currency, value)
        except ValueError as exc:
            raise ValidationFailed(str(exc), field=currency, code="invalid_rate") from exc
    return checked


def parse_rate(currency: str, text: str) -> tuple[str, Decimal]:
    """``("eur", "1.09")`` → ``("EUR", Decimal("1.09"))``; ``ValidationFailed`` if not a number."""
    code = currency.strip().upper()
    try:
        return code, Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValidationFailed(
            f"The rate of {code} must be a number, got {text!r}.",
            field=code,
            code="invalid_rate",
        ) from exc


def parse_rate_table(text: str) -> dict[str, Decimal]:
    """A JSON object ``{"EUR": "1.09", …}`` or CSV lines ``currency,usd_per_unit``
    (the header is optional); ``ValidationFailed`` names the entry that is wrong."""
    if text.lstrip()[:1] in ("{", "["):
        return _parse_json(text)
    return _parse_csv(text)


def _parse_json(text: str) -> dict[str, Decimal]:
    try:
        table: Any = json.loads(text, parse_float=str, parse_int=str)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"Not valid JSON: {exc}", field="file", code="invalid_file") from exc
    if not isinstance(table, dict):
        raise ValidationFailed(
            "Expected a JSON object of currency → rate.", field="file", code="invalid_file"
        )
    return _unique(parse_rate(str(code), str(value)) for code, value in table.items())


def _parse_csv(text: str) -> dict[str, Decimal]:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and [cell.strip().lower() for cell in rows[0]] == CSV_HEADER:
        rows = rows[1:]
    pairs = []
    for number, row in enumerate(rows, start=1):
        if len(row) != len(CSV_HEADER):
            raise ValidationFailed(
                f"Row {number}: expected currency,usd_per_unit, got {','.join(row)!r}.",
                field=f"row {number}",
                code="invalid_file",
            )
        pairs.append(parse_rate(row[0], row[1]))
    return _unique(pairs)


def _unique(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    table: dict[str, Decimal] = {}
    for code, value in pairs:
        if code in table:
            raise ValidationFailed(
                f"{code} is listed twice.", field=code, code="duplicate_currency"
            )
        table[code] = value
    return table
