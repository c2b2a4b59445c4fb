"""Reading an operator's rates file, and the cache every process reads rates through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import ExchangeRate
from farebridge.services.ports import UnitOfWork
from farebridge.services.rates import CachedExchangeRates, parse_rate, parse_rate_table


def test_a_json_object_of_rates() -> None:
    table = parse_rate_table('{"EUR": "1.09", "gbp": 1.27, "JPY": 0.0066, "KWD": 3}')
    assert table == {
        "EUR": Decimal("1.09"),
        "GBP": Decimal("1.27"),
        "JPY": Decimal("0.0066"),
        "KWD": Decimal("3"),
    }
    assert all(isinstance(value, Decimal) for value in table.values()), "never a float"


def test_csv_rows_with_or_without_a_header() -> None:
    expected = {"EUR": Decimal("1.09"), "GBP": Decimal("1.27")}
    assert parse_rate_table("currency,usd_per_unit\nEUR,1.09\nGBP, 1.27\n") == expected
    assert parse_rate_table("EUR,1.09\n\nGBP,1.27") == expected


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"EUR": "one"}', "EUR"),
        ('{"EUR": null}', "EUR"),
        ('["EUR", 1.09]', "file"),
        ('{"EUR": 1.09', "file"),
        ("EUR,1.09\nGBP", "row 2"),
        ("EUR,1.09,extra", "row 1"),
        ("EUR,1.09\nEUR,1.10", "EUR"),
        ("EUR,abc", "EUR"),
    ],
)
def test_a_bad_entry_is_named(text: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_rate_table(text)
    assert refused.value.field == field


def test_one_rate_from_the_command_line() -> None:
    assert parse_rate(" eur ", "1.090") == ("EUR", Decimal("1.090"))
    with pytest.raises(ValidationFailed, match="must be a number"):
        parse_rate("EUR", "1,09")


class _Table:
    def __init__(self) -> None:
        self.reads = 0
        self.rates = [ExchangeRate("USD", Decimal(1), datetime.now(UTC))]

    def list(self) -> list[ExchangeRate]:
        self.reads += 1
        return list(self.rates)


def test_the_cache_reads_the_table_once_per_period() -> None:
    table = _Table()
    clock = [100.0]

    class _Uow:
        def __init__(self, **_: Any) -> None:
            self.exchange_rates = table

        def __enter__(self) -> Any:
            return SimpleNamespace(exchange_rates=table)

        def __exit__(self, *_: object) -> None:
            return None

    cache = CachedExchangeRates(
        cast(Callable[..., UnitOfWork], _Uow), ttl_seconds=30, monotonic=lambda: clock[0]
    )
    assert cache.current().knows("USD") and not cache.current().knows("EUR")
    table.rates.append(ExchangeRate("EUR", Decimal("1.16"), datetime.now(UTC)))
    clock[0] += 29
    assert not cache.current().knows("EUR") and table.reads == 1
    clock[0] += 1
    assert cache.current().knows("EUR") and table.reads == 2
    cache.forget()
    cache.current()
    assert table.reads == 3
