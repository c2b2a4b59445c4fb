"""``farebridge rates list | set | import`` against a real database."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from farebridge.cli import main
from farebridge.settings import get_settings
from farebridge.store.tables import exchange_rates


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("FAREBRIDGE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def _rates(engine: Engine) -> dict[str, Decimal]:
    with engine.connect() as db:
        rows = db.execute(select(exchange_rates.c.currency, exchange_rates.c.usd_per_unit))
        return {row.currency: Decimal(row.usd_per_unit) for row in rows}


def _run(*argv: str) -> int:
    with pytest.raises(SystemExit) as finished:
        main(["rates", *argv])
    return int(finished.value.code or 0)


def test_list_shows_every_rate(database: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(_rates(database)) and lines[0].startswith("AED  0.2723  ")


def test_set_one_rate_prints_the_change(
    database: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("set", "eur", "1.09") == 0
    assert capsys.readouterr().out.splitlines() == [
        "EUR  1.16 -> 1.09 USD per unit",
        "1 changed, 0 unchanged",
    ]
    assert _rates(database)["EUR"] == Decimal("1.09")


def test_import_applies_whole_or_not_at_all(
    database: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "rates.csv"
    good.write_text("currency,usd_per_unit\nEUR,1.10\nGBP,1.33\nXAU,4000\n")
    assert _run("import", str(good)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "EUR  1.16 -> 1.1 USD per unit",
        "XAU  new -> 4000 USD per unit",
        "2 changed, 1 unchanged",
    ]
    before = _rates(database)
    bad = tmp_path / "rates.json"
    bad.write_text('{"EUR": "1.20", "GBP": "0", "CHF": "1.3"}')
    assert _run("import", str(bad)) == 2
    error = capsys.readouterr().err
    assert "GBP" in error and "nothing was changed" in error
    assert _rates(database) == before
    assert _run("import", str(tmp_path / "missing.json")) == 2
