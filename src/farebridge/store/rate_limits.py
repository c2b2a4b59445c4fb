"""Rate-limit counts in a small SQLite file of their own, shared by every API process on
one machine (ADR 0050).

The ``limits`` library keeps its counts in memory (one process) or in Redis (every
process). An SQLite deployment without Redis may run several API processes on one
machine (``FAREBRIDGE_API_WORKERS``), and memory would give each its own budget: a
caller would get N times a limit, and N times the log-in tries before the back-off.
This storage keeps them in ``<database>-limits``, beside the database file but not in
it: its writes take that file's lock, never the database's single writer.

Each count is one short ``BEGIN IMMEDIATE`` transaction, so a check and its hit are
atomic across threads and processes. The counts are not worth a disk flush
(``synchronous=OFF``): after a power cut they may be lower, never corrupt. Expired
entries are deleted as their key is counted again, and every key's at most once a
minute (entries older than the longest window this process has counted).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from limits.storage import MovingWindowSupport, Storage

from farebridge.store.database import beside_sqlite_file

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counters ("
    " key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (key TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_by_key ON entries (key, at)",
)
PURGE_EVERY_SECONDS = 60.0


def limits_file(database_url: str) -> Path | None:
    """``<database>-limits`` beside an SQLite database file; None for any other database
    (PostgreSQL, an SQLite memory database or URI filename)."""
    return beside_sqlite_file(database_url, "-limits")


class SqliteFileStorage(Storage, MovingWindowSupport):
    """A ``limits`` storage (fixed counters and moving windows) in an SQLite file."""

    STORAGE_SCHEME = ["farebridge+sqlitefile"]

    def __init__(
        self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any
    ) -> None:
        path = options.get("path")
        if not isinstance(path, (str, Path)):
            raise ValueError("SqliteFileStorage needs path=<file>")
        self.path = Path(path)
        self._busy_ms = int(float(options.get("busy_timeout_seconds", 2.0)) * 1000)
        self._lock = threading.Lock()  # one connection per process, one thread at a time
        self._connection: sqlite3.Connection | None = None
        self._purged_at = 0.0
        self._longest_window = 0  # seconds: older entries belong to no window
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(
                self.path,
                timeout=self._busy_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                self._set_up(connection)
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _set_up(self, connection: sqlite3.Connection) -> None:
        """WAL and the tables, once per connection. Switching the journal mode answers
        "locked" at once, without the busy timeout, while another process opening the
        file does the same: it is tried again until the timeout."""
        connection.execute(f"PRAGMA busy_timeout={self._busy_ms}")
        connection.execute("PRAGMA synchronous=OFF")
        deadline = time.monotonic() + self._busy_ms / 1000
        while True:
            try:
                mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                for statement in _SCHEMA:
                    connection.execute(statement)
                return
            except sqlite3.OperationalError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _write(self, work: Any) -> Any:
        """``work(connection, now)`` in one ``BEGIN IMMEDIATE`` transaction."""
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                now = time.time()
                result = work(db, now)
                # Not before this process has counted a window: it knows no window's length.
                if self._longest_window and now - self._purged_at >= PURGE_EVERY_SECONDS:
                    db.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
                    oldest_useful = now - self._longest_window
                    db.execute("DELETE FROM entries WHERE at < ?", (oldest_useful,))
                    self._purged_at = now
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return result

    def _read(self, query: str, parameters: tuple[Any, ...]) -> Any:
        with self._lock:
            return self._db().execute(query, parameters).fetchone()

    # Fixed counters (the log-in back-off)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        def work(db: sqlite3.Connection, now: float) -> int:
            row = db.execute(
                "SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, now)
            ).fetchone()
            if row is None:  # a new count: its expiry starts now, as in memory and Redis
                db.execute(
                    "INSERT OR REPLACE INTO counters (key, value, expires_at) VALUES (?, ?, ?)",
                    (key, amount, now + expiry),
                )
                return amount
            value = int(row[0]) + amount
            db.execute("UPDATE counters SET value = ? WHERE key = ?", (value, key))
            return value

        result: int = self._write(work)
        return result

    def get(self, key: str) -> int:
        row = self._read(
            "SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._read("SELECT expires_at FROM counters WHERE key = ?", (key,))
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._read("SELECT 1", ())
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        def work(db: sqlite3.Connection, _: float) -> int:
            counted = db.execute("SELECT count(*) FROM counters").fetchone()[0]
            keys = db.execute("SELECT count(DISTINCT key) FROM entries").fetchone()[0]
            db.execute("DELETE FROM counters")
            db.execute("DELETE FROM entries")
            return int(counted) + int(keys)

        result: int = self._write(work)
        return result

    def clear(self, key: str) -> None:
        def work(db: sqlite3.Connection, _: float) -> None:
            db.execute("DELETE FROM counters WHERE key = ?", (key,))
            db.execute("DELETE FROM entries WHERE key = ?", (key,))

        self._write(work)

    # Moving windows (every per-minute limit)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        self._longest_window = max(self._longest_window, expiry)

        def work(db: sqlite3.Connection, now: float) -> bool:
            # An entry taken exactly ``expiry`` ago still counts, as in memory and Redis.
            db.execute("DELETE FROM entries WHERE key = ? AND at < ?", (key, now - expiry))
            (taken,) = db.execute("SELECT count(*) FROM entries WHERE key = ?", (key,)).fetchone()
            if taken + amount > limit:
                return False
            db.executemany("INSERT INTO entries (key, at) VALUES (?, ?)", [(key, now)] * amount)
            return True

        allowed: bool = self._write(work)
        return allowed

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(when the oldest entry in the window was taken, how many are in it)."""
        now = time.time()
        oldest, taken = self._read(
            "SELECT min(at), count(*) FROM entries WHERE key = ? AND at > ?", (key, now - expiry)
        )
        return (float(oldest), int(taken)) if taken else (now, 0)
