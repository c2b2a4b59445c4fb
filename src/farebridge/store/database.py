"""Engine creation: SQLite (the default) and PostgreSQL behave the same to callers."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

try:
    import fcntl
except ImportError:  # not POSIX: the gate orders one process's writers only
    fcntl = None  # type: ignore[assignment]

from farebridge.domain.errors import ServerBusy

SQLITE_BUSY_TIMEOUT_SECONDS = 30


class JsonText(str):
    """A JSON document already serialised (Pydantic's ``dump_json``), which a JSON column
    stores as it is instead of serialising it again."""

    __slots__ = ()


def json_dumps(value: Any) -> str:
    """JSON columns' serializer: orjson (several times faster than ``json`` on offers and
    orders, issue 14); what it does not take (a non-64-bit int…) goes to ``json``;
    :class:`JsonText` is already JSON."""
    if isinstance(value, JsonText):
        return str(value)
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


class WriteGate:
    """The turn to write one SQLite file, taken before ``BEGIN IMMEDIATE`` (ADR 0042).

    SQLite's own lock is polled: a connection that finds it taken sleeps 1, 2, 5 … up
    to 100 ms between tries, so a writer that has waited long loses to one that just
    arrived, and the lock sits idle while the waiters sleep. The gate makes writers
    wait their turn asleep and be woken when it is free: a lock per process (threads),
    then an exclusive ``flock`` on ``<database>-gate`` (processes), held until the
    transaction's COMMIT or ROLLBACK has run.

    There is one gate per database file and process (:meth:`of`), whatever the number
    of engines on it, so a thread that holds the turn and writes through another
    engine waits for its own process's lock (and is refused after the timeout) rather
    than for the file's ``flock`` (for ever). Only the thread holding the process's
    turn ever waits on the ``flock``.

    Correctness never rests on it: SQLite's lock is still what keeps writers apart
    (a process without the gate, the ``sqlite3`` shell, still takes its turn through
    the busy timeout). A writer that waits longer than its timeout for the process's
    turn is :class:`ServerBusy` (a 429), not a 500.
    """

    _gates: ClassVar[weakref.WeakValueDictionary[str, WriteGate]] = weakref.WeakValueDictionary()
    _gates_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def of(cls, path: Path) -> WriteGate:
        """This process's gate of the database file at ``path`` (made on first use)."""
        key = os.path.realpath(path)
        with cls._gates_lock:
            gate = cls._gates.get(key)
            if gate is None:
                gate = cls(Path(key))
                cls._gates[key] = gate
            return gate

    def __init__(self, path: Path) -> None:
        self._path = path
        self._turn = threading.Lock()
        self._holder: object | None = None  # the DBAPI connection whose turn it is
        self._file = self._open()

    def _open(self) -> int | None:
        if fcntl is None:
            return None
        try:
            return os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:  # a read-only directory: threads still take turns
            return None

    def __del__(self) -> None:  # the last engine on the file is gone
        if self._file is not None:
            os.close(self._file)
            self._file = None

    def acquire(self, holder: object, timeout: float) -> None:
        if not self._turn.acquire(timeout=timeout):
            raise ServerBusy("The database is busy writing; retry in a second.")
        try:
            if self._file is not None:
                # asleep in the kernel until the other process unlocks (or exits)
                fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._turn.release()
            raise
        self._holder = holder

    def release(self, holder: object) -> None:
        """Give the turn back if ``holder`` has it; anything else is a no-op (a rollback
        outside a transaction, a connection going back to the pool)."""
        if self._holder is None or self._holder is not holder:
            return
        self._holder = None
        try:
            if self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._turn.release()

    def _reset_in_child(self) -> None:
        """A forked child starts with no turn: a fresh thread lock (the parent's may have
        been taken) and a file of its own. The inherited one is closed, never unlocked:
        a ``flock`` belongs to the open file, which the parent shares."""
        inherited = self._file
        self._turn = threading.Lock()
        self._holder = None
        self._file = self._open()
        if inherited is not None:
            os.close(inherited)


def _reset_gates_in_child() -> None:
    WriteGate._gates_lock = threading.Lock()
    for gate in list(WriteGate._gates.values()):
        gate._reset_in_child()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork to survive
    os.register_at_fork(after_in_child=_reset_gates_in_child)


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    pool_timeout_seconds: float = 30.0,
    busy_timeout_seconds: float = SQLITE_BUSY_TIMEOUT_SECONDS,
) -> Engine:
    """Create an engine; on SQLite every write transaction is ``BEGIN IMMEDIATE``.

    Pass a connection through :func:`for_reading` to get a
    deferred ``BEGIN`` for read-only work instead. The pool holds ``pool_size``
    connections (and as many again at peaks), SQLite files included: a connection is
    opened, and its PRAGMAs run, once, not per unit of work (issue 14: opening one
    and setting it up cost 16 % of the API's CPU). A checkout that waits longer than
    ``pool_timeout_seconds`` is :class:`ServerBusy`. An SQLite file's writers take turns
    through a :class:`WriteGate`; one that waits longer than ``busy_timeout_seconds``
    for its turn is :class:`ServerBusy` too.
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
            connect_args={"check_same_thread": False, "timeout": busy_timeout_seconds},
            json_serializer=json_dumps,
            json_deserializer=json_loads,
            **pooling,
        )
        gate_path = None if in_memory else _gate_path(engine)
        gate = WriteGate.of(gate_path) if gate_path else None
        _configure_sqlite(engine, gate, busy_timeout_seconds)
        return engine
    return create_engine(
        url,
        poolclass=BusyQueuePool,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout_seconds,
        pool_pre_ping=True,
        # Said, not assumed from the server's default: a read-only unit of work runs
        # without a transaction, which reads the same only at this level (ADR 0054).
        isolation_level="READ COMMITTED",
        json_serializer=json_dumps,
        json_deserializer=json_loads,
    )


# How a connection that only reads is set up, by dialect: SQLite's deferred BEGIN
# (no write lock), PostgreSQL's autocommit (no BEGIN, no ROLLBACK; ADR 0054).
_READ_ONLY: dict[str, dict[str, object]] = {
    "sqlite": {"sqlite_read_only": True},
    "postgresql": {"isolation_level": "AUTOCOMMIT"},
}


def for_reading(connection: Connection) -> Connection:
    """``connection`` set up to read only (``_READ_ONLY``): a read-only unit of work's,
    and the sandbox stores' reads outside one."""
    return connection.execution_options(**_READ_ONLY.get(connection.dialect.name, {}))


def is_read_only(connection: Connection) -> bool:
    """Whether ``connection`` belongs to a read-only unit of work (its options above)."""
    options = connection.get_execution_options()
    dialect = _READ_ONLY.get(connection.dialect.name, {})
    return bool(dialect) and all(options.get(key) == value for key, value in dialect.items())


def beside_sqlite_file(database_url: str | URL, suffix: str) -> Path | None:
    """``<database file><suffix>``, a file of our own beside an SQLite database file (its
    write gate, its rate-limit counts); None for any other database: PostgreSQL, an
    SQLite memory database, a URI filename."""
    url = make_url(database_url)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # a URI filename
        return None
    return Path(database + suffix)


def _gate_path(engine: Engine) -> Path | None:
    return beside_sqlite_file(engine.url, "-gate")


def _raw(connection: Any) -> Any:
    """The DBAPI connection under a pool's proxy (SQLAlchemy passes either)."""
    return getattr(connection, "dbapi_connection", connection)


def _begin(engine: Engine, dbapi_connection: Any, statement: str) -> None:
    """``statement`` (a ``BEGIN``) on the driver's connection itself: through SQLAlchemy
    (``exec_driver_sql``: an execution context, its events, a result) it cost about a
    twentieth of a polled order's read, once per unit of work (issue 14). Its errors
    are SQLAlchemy's all the same (``OperationalError`` for a locked or missing file),
    so the unit of work tells them apart as before (ADR 0048), a closed connection
    included."""
    try:
        dbapi_connection.execute(statement)
    except sqlite3.Error as error:
        raised: Any = error  # typeshed's sqlite3.Error is not SQLAlchemy's DBAPI protocol
        closed = engine.dialect.is_disconnect(raised, dbapi_connection, None)
        raise sa_exc.DBAPIError.instance(
            statement, None, error, sqlite3.Error, connection_invalidated=closed
        ) from error


def _configure_sqlite(engine: Engine, gate: WriteGate | None, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get("sqlite_read_only", False)
        holder = _raw(connection.connection)
        if read_only:
            _begin(engine, holder, "BEGIN")
            return
        if gate is None:
            _begin(engine, holder, "BEGIN IMMEDIATE")
            return
        gate.acquire(holder, busy_timeout)
        try:
            _begin(engine, holder, "BEGIN IMMEDIATE")
        except BaseException:
            gate.release(holder)
            raise

    if gate is None:
        return
    # The turn is given back once COMMIT or ROLLBACK has run: SQLAlchemy's commit and
    # rollback events fire before, so the dialect's own calls are wrapped; a connection
    # that goes back to the pool, or is closed or invalidated, gives it back too.
    dialect = engine.dialect
    do_commit, do_rollback = dialect.do_commit, dialect.do_rollback

    def _commit(dbapi_connection: Any) -> None:
        try:
            do_commit(dbapi_connection)
        finally:
            gate.release(_raw(dbapi_connection))

    def _rollback(dbapi_connection: Any) -> None:
        try:
            do_rollback(dbapi_connection)
        finally:
            gate.release(_raw(dbapi_connection))

    dialect.do_commit = _commit  # type: ignore[method-assign]
    dialect.do_rollback = _rollback  # type: ignore[method-assign]

    def _give_back(dbapi_connection: Any, *_: Any) -> None:
        gate.release(_raw(dbapi_connection))

    for name in ("checkin", "close", "invalidate"):
        event.listen(engine.pool, name, _give_back)
