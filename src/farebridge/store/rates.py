"""The exchange rates table: US dollars per unit of each currency, set by the operator."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from farebridge.domain.money import ExchangeRate
from farebridge.store.tables import exchange_rates


class ExchangeRateRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def list(self) -> list[ExchangeRate]:
        rows = self._db.execute(select(exchange_rates).order_by(exchange_rates.c.currency))
        return [
            ExchangeRate(row.currency, Decimal(row.usd_per_unit), row.updated_at) for row in rows
        ]

    def put_many(self, rates: Sequence[ExchangeRate]) -> None:
        """Insert or replace each rate (the caller's transaction makes them one change)."""
        for rate in rates:
            values = {"usd_per_unit": str(rate.usd_per_unit), "updated_at": rate.updated_at}
            changed = self._db.execute(
                update(exchange_rates)
                .where(exchange_rates.c.currency == rate.currency)
                .values(**values)
            )
            if changed.rowcount == 0:
                self._db.execute(insert(exchange_rates).values(currency=rate.currency, **values))
