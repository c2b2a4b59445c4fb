"""A database pool with no connection free in time is ServerBusy (429 with Retry-After,
ADR 0030), not SQLAlchemy's TimeoutError (a 500), on both databases (an SQLite file has
a pool too since issue 14). A job that meets it is retried, as it was when it was a
TimeoutError. SQLite connections are reused and keep the settings made when opened."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, event, select, update

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.domain.errors import ServerBusy
from farebridge.services.jobs import run_next_job
from farebridge.services.ports import Dependencies, StoreUnreachable
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.tables import jobs, worker_heartbeats
from farebridge.store.unit_of_work import SqlUnitOfWork


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_reads_run_on_the_event_loop_only_on_sqlite(engine: Engine) -> None:
    """ADR 0051: a store that answers from this machine (SQLite) lets quick reads skip the
    thread hand-off; PostgreSQL, behind a socket, does not."""
    services = build(Settings(database_url=_url(engine)), engine=engine)
    assert services.local_reads is (engine.dialect.name == "sqlite")


def test_sqlite_connections_are_reused_with_their_settings(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's connection settings")
    pooled = make_engine(_url(engine), pool_size=2)
    try:
        opened: list[object] = []
        event.listen(pooled, "connect", lambda dbapi, _record: opened.append(dbapi))
        for _ in range(5):
            with pooled.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
        assert len(opened) == 1, "one connection opened, then reused"
    finally:
        pooled.dispose()


def test_a_dry_pool_is_server_busy(engine: Engine) -> None:
    small = make_engine(_url(engine), pool_size=1, pool_timeout_seconds=0.05)
    try:
        held = [small.connect(), small.connect()]  # the pool and its overflow
        with pytest.raises(ServerBusy) as refused:
            small.connect()
        assert refused.value.retry_after_seconds >= 1
        for connection in held:
            connection.close()
        with small.connect() as connection:  # free again
            assert connection.exec_driver_sql("select 1").scalar() == 1
    finally:
        small.dispose()


def test_a_dry_pool_answers_429_with_retry_after(engine: Engine) -> None:
    settings = Settings(database_url="sqlite://")
    small = make_engine(_url(engine), pool_size=1, pool_timeout_seconds=0.05)
    held = [small.connect(), small.connect()]
    try:
        app = create_app(build(settings, engine=small), settings)
        with TestClient(app, raise_server_exceptions=False) as client:
            body = {"email": "pool@test.com", "password": "correct-horse"}
            answer = client.post("/api/auth/register", json=body)
        assert answer.status_code == 429, answer.text
        assert answer.json()["errors"][0]["code"] == "server_busy"
        assert int(answer.headers["Retry-After"]) >= 1
    finally:
        for connection in held:
            connection.close()
        small.dispose()


@pytest.mark.parametrize(
    "failure",
    [ServerBusy("no connection free in time"), StoreUnreachable("connection refused")],
    ids=["busy pool", "database out of reach"],
)
def test_a_job_that_met_a_busy_pool_or_no_database_is_retried(
    engine: Engine, failure: Exception
) -> None:
    """``StoreUnreachable`` is not a domain error (ADR 0048): a job that meets it is
    retried, as one that meets a busy pool."""
    calls: list[int] = []

    def busy_once(deps: Dependencies, payload: dict[str, Any]) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise failure

    services = build(Settings(database_url="sqlite://"), engine=engine)
    services = replace(services, job_handlers={**services.job_handlers, "test_busy": busy_once})
    with services.uow() as uow:
        uow.jobs.enqueue("test_busy", {}, now=services.clock.now())
        uow.commit()
    assert run_next_job(services, kind="test_busy")
    with engine.begin() as db:
        db.execute(update(jobs).values(run_after=datetime.now(UTC) - timedelta(seconds=1)))
    assert run_next_job(services, kind="test_busy")
    with engine.connect() as db:
        rows = db.execute(select(jobs.c.status, jobs.c.attempts)).all()
    assert [(r.status, r.attempts) for r in rows] == [("done", 2)], "retried, not failed"


def _txid(uow: SqlUnitOfWork) -> int:
    assert uow._connection is not None
    return int(uow._connection.exec_driver_sql("SELECT txid_current()").scalar_one())


def test_a_read_only_unit_of_work_on_postgresql_has_no_transaction(engine: Engine) -> None:
    """ADR 0054: no BEGIN and no ROLLBACK round trip for a read; each statement is its
    own transaction, as each sees its own snapshot at READ COMMITTED inside one."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's transactions")
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert _txid(uow) != _txid(uow)
    with SqlUnitOfWork(engine) as uow:
        assert _txid(uow) == _txid(uow)


def test_writes_after_reads_on_one_connection_commit_or_roll_back(engine: Engine) -> None:
    """A read-only unit of work's settings leave with it: the next unit of work on the
    same connection is a transaction again, whose writes stay only once committed."""
    single = make_engine(_url(engine), pool_size=1)
    opened: list[object] = []
    event.listen(single, "connect", lambda dbapi, _record: opened.append(dbapi))
    now = datetime.now(UTC)
    try:
        for round_ in range(3):
            with SqlUnitOfWork(single, read_only=True) as uow:
                uow.heartbeats.latest()
            with SqlUnitOfWork(single) as uow:  # left without commit
                uow.heartbeats.beat(f"dropped-{round_}", hostname="h", pid=1, now=now)
            with SqlUnitOfWork(single, read_only=True) as uow:
                uow.heartbeats.latest()
            with SqlUnitOfWork(single) as uow:
                uow.heartbeats.beat(f"kept-{round_}", hostname="h", pid=1, now=now)
                uow.commit()
        with single.connect() as db:
            names = db.execute(select(worker_heartbeats.c.worker_id)).scalars().all()
        assert sorted(names) == ["kept-0", "kept-1", "kept-2"]
        assert len(opened) == 1, "every unit of work above ran on one connection"
    finally:
        with single.begin() as db:
            db.execute(delete(worker_heartbeats))
        single.dispose()


def test_a_read_only_unit_of_work_refuses_to_commit(engine: Engine) -> None:
    """On PostgreSQL its statements run outside a transaction (ADR 0054): a write in one
    would stay, and a commit would only hide that."""
    with SqlUnitOfWork(engine, read_only=True) as uow, pytest.raises(TypeError):
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        uow.commit()
