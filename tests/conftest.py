"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when
``FAREBRIDGE_TEST_DATABASE_URL`` is set), services, an HTTP client, a worker."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, event, insert, make_url, text

from farebridge.domain.money import REFERENCE_USD_RATES
from farebridge.observability import configure_logging
from farebridge.services import accounts
from farebridge.store.database import is_read_only, make_engine
from farebridge.store.migrate import downgrade, upgrade
from farebridge.store.tables import exchange_rates, metadata

# Logs as the processes configure them (plain tracebacks): structlog's default renders
# a crash's traceback with every frame's locals, which took 15 s for one 500 in a test.
configure_logging()

POSTGRES_URL = os.environ.get("FAREBRIDGE_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _database_of_worker(base: str, worker: str) -> str:
    """``base`` itself, or under pytest-xdist one database per worker (``<name>_gw0``…),
    made afresh for each run: workers never share tables, and a database left by an
    older migration chain cannot get in the way."""
    if not worker.startswith("gw"):
        return base
    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_migrated(worker_id: str) -> str:
    assert POSTGRES_URL is not None
    url = _database_of_worker(POSTGRES_URL, worker_id)
    downgrade(url, "base")
    upgrade(url)
    return url


def _truncate_postgres(engine: Engine) -> None:
    """Empty every table, then put back what migrations seed (the default exchange rates).

    ``DELETE`` child tables first, not ``TRUNCATE``: a test leaves a few rows, and
    ``TRUNCATE`` gives each of the ~45 tables and their indexes new files, 130 ms a test
    against 12 ms. The sequences start again as ``RESTART IDENTITY`` would make them."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        for (sequence,) in connection.execute(
            text("SELECT sequence_name FROM information_schema.sequences")
        ):
            connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        connection.execute(
            insert(exchange_rates),
            [
                {"currency": code, "usd_per_unit": str(rate), "updated_at": now}
                for code, rate in REFERENCE_USD_RATES.items()
            ],
        )


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Password hashes made in the test process use argon2's smallest parameters.

    At the library's defaults (64 MiB, 3 passes) one hash takes about 150 ms on a CI
    machine, and most API tests register and log in an account: two hashes each, several
    minutes of a run. What the tests check (argon2, the check, the re-hash of a stale
    hash) is the same. The processes the tests start (servers, workers) keep the
    defaults, and so does the dummy hash that keeps an unknown e-mail's log-in slow."""
    previous = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    accounts._hasher = previous


@pytest.fixture(scope="session", autouse=True)
def _mail_into_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Notifications of tests that run a worker go to a temporary folder, not ./var/mail."""
    previous = os.environ.get("FAREBRIDGE_MAIL_DIR")
    os.environ["FAREBRIDGE_MAIL_DIR"] = str(tmp_path_factory.mktemp("mail"))
    yield
    if previous is None:
        del os.environ["FAREBRIDGE_MAIL_DIR"]
    else:
        os.environ["FAREBRIDGE_MAIL_DIR"] = previous


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "farebridge.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        if POSTGRES_URL is None:
            pytest.skip("FAREBRIDGE_TEST_DATABASE_URL is not set")
        url = request.getfixturevalue("postgres_migrated")
        engine = make_engine(url, pool_size=60)
        _truncate_postgres(engine)
    event.listen(engine, "before_cursor_execute", _no_write_in_a_read)
    yield engine
    engine.dispose()


_WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR UPDATE\b", re.IGNORECASE)


def _no_write_in_a_read(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
    """Every test on this engine fails on a write in a read-only unit of work: on
    PostgreSQL that runs outside a transaction (ADR 0054), so the write would stay."""
    if is_read_only(connection) and _WRITES.search(statement):
        raise AssertionError(f"a write in a read-only unit of work: {statement[:200]}")
