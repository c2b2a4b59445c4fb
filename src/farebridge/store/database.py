"""Engine creation: SQLite (the default) and PostgreSQL behave the same to callers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from farebridge.domain.errors import ServerBusy

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def json_dumps(value: Any) -> str:
    """JSON columns' serializer: orjson (several times faster than ``json`` on offers and
    orders, issue 14); what it does not take (a non-64-bit int…) goes to ``json``."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def json_loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity, which json.dumps writes
        return json.loads(text)


def per_dialect(build: Callable[[Any], Any]) -> dict[str, Any]:
    """``build(insert)`` for each database's own ``insert`` (``ON CONFLICT`` is a dialect
    construct), by dialect name: a statement built once and picked per connection with
    ``[connection.dialect.name]`` (ADR 0039)."""
    return {"postgresql": build(postgresql.insert), "sqlite": build(sqlite.insert)}


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class BusyQueuePool(QueuePool):
    """A connection pool whose checkout timeout is :class:`ServerBusy` (a 429 with
    Retry-After, ADR 0030) instead of SQLAlchemy's ``TimeoutError`` (a 500)."""

    def _do_get(self) -> ConnectionPoolEntry:
        try:
            return super()._do_get()
        except sa_exc.TimeoutError as error:
            raise ServerBusy(
                "Every database connection of this process is in use; retry in a second."
            ) from error


def make_engine(url: str, *, pool_size: int = 10, pool_timeout_seconds: float = 30.0) -> Engine:
    """Create an engine; on SQLite every write transaction is ``BEGIN IMMEDIATE``.

    Pass ``execution_options(sqlite_read_only=True)`` on a connection to get a
    deferred ``BEGIN`` for read-only work instead. The pool holds ``pool_size``
    connections (and as many again at peaks), SQLite files included: a connection is
    opened, and its PRAGMAs run, once, not per unit of work (issue 14: opening one
    and setting it up cost 16 % of the API's CPU). A checkout that waits longer than
    ``pool_timeout_seconds`` is :class:`ServerBusy`.
    """
    if url.startswith("sqlite"):
        in_memory = ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite+pysqlite:")
        pooling: dict[str, Any] = (
            {}  # SQLAlchemy's default for a memory database: one connection per thread
            if in_memory
            else {
                "poolclass": BusyQueuePool,
                "pool_size": pool_size,
                "max_overflow": pool_size,
                "pool_timeout": pool_timeout_seconds,
            }
        )
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            json_serializer=json_dumps,
            json_deserializer=json_loads,
            **pooling,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        poolclass=BusyQueuePool,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout_seconds,
        pool_pre_ping=True,
        json_serializer=json_dumps,
        json_deserializer=json_loads,
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get("sqlite_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
