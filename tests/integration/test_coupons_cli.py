"""``farebridge coupons add | list`` against a real database (ADR 0024)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from farebridge.cli import main
from farebridge.settings import get_settings
from farebridge.store.tables import coupons


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("FAREBRIDGE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def _run(*argv: str) -> int:
    with pytest.raises(SystemExit) as finished:
        main(["coupons", *argv])
    return int(finished.value.code or 0)


def _stored(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as db:
        rows = db.execute(
            select(
                coupons.c.code,
                coupons.c.amount_minor,
                coupons.c.currency,
                coupons.c.percent,
                coupons.c.max_uses,
                coupons.c.valid_until,
            ).order_by(coupons.c.code)
        )
        return [tuple(row) for row in rows]


def test_add_a_fixed_and_a_percentage_coupon_then_list(
    database: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("add", "ten-usd", "--amount", "10", "--currency", "usd", "--max-uses", "5") == 0
    assert _run("add", "SPRING10", "--percent", "10", "--valid-until", "2031-03-31") == 0
    assert capsys.readouterr().out.splitlines() == [
        "added TEN-USD  10.00 USD off  uses 0/5  until -",
        "added SPRING10  10% off  uses 0/unlimited  until 2031-04-01 00:00",
    ]
    end = datetime(2031, 4, 1, tzinfo=UTC)  # valid until the end of 31 March
    assert _stored(database) == [
        ("SPRING10", None, None, 10, None, end),
        ("TEN-USD", 1000, "USD", None, 5, None),
    ]
    assert _run("list") == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ("add", "X1", "--percent", "10"),  # too short a code
        ("add", "BIG", "--percent", "101"),
        ("add", "NOCUR", "--amount", "10"),
        ("add", "NORATE", "--amount", "10", "--currency", "XXX"),
        ("add", "NEVER", "--percent", "5", "--max-uses", "0"),
    ],
)
def test_bad_terms_change_nothing_and_exit_2(
    database: Engine, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    assert _run(*argv) == 2
    assert "nothing was changed" in capsys.readouterr().err
    assert _stored(database) == []


def test_a_code_in_use_exits_2(database: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("add", "ONCE", "--percent", "5") == 0
    assert _run("add", "once", "--percent", "50") == 2
    assert "exists already" in capsys.readouterr().err
    assert [row[3] for row in _stored(database)] == [5]
