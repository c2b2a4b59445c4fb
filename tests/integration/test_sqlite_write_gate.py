"""An SQLite file's writers take turns through the write gate (ADR 0042): asleep until
the turn is free, threads of a process and processes alike, the turn given back however
the transaction ends, and a writer that waits too long is ServerBusy (a 429), not a 500.
SQLite's own lock still keeps writers apart; the gate only orders them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from farebridge.domain.errors import ServerBusy
from farebridge.store.database import WriteGate, make_engine
from farebridge.store.unit_of_work import SqlUnitOfWork

# How long a writer that should be waiting is watched before it is said to wait. A slow
# machine can only make a waiting writer look like it waits: no assertion rests on speed.
WATCH_SECONDS = 0.3


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "gate.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as db:
        db.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        db.execute(text("INSERT INTO counter VALUES (0)"))
    engine.dispose()
    return path


@pytest.fixture
def gated(database: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{database}", busy_timeout_seconds=5)
    yield engine
    engine.dispose()


def _bump(engine: Engine) -> None:
    with engine.begin() as db:
        db.execute(text("UPDATE counter SET n = n + 1"))


def _count(engine: Engine) -> int:
    with engine.connect().execution_options(sqlite_read_only=True) as db:
        return int(db.execute(text("SELECT n FROM counter")).scalar_one())


@contextmanager
def _holding_the_turn(engine: Engine) -> Iterator[Connection]:
    """A connection in the middle of a write transaction: it holds its process's turn
    until the block commits (or leaves, which rolls back)."""
    with engine.connect() as holding:
        holding.begin()
        holding.execute(text("UPDATE counter SET n = n + 1"))
        yield holding


def _in_thread(work: object) -> tuple[threading.Thread, threading.Event, list[BaseException]]:
    done = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()  # type: ignore[operator]
        except BaseException as error:  # handed to the test
            failed.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done, failed


def test_the_gate_is_a_file_beside_the_database(gated: Engine, database: Path) -> None:
    _bump(gated)
    assert database.with_name(database.name + "-gate").exists()
    memory = make_engine("sqlite://")
    with memory.begin() as db:  # a memory database has no file to gate: writes as before
        assert db.execute(text("SELECT 1")).scalar_one() == 1


def test_a_writer_waits_for_the_turn_and_gets_it_after_commit(gated: Engine) -> None:
    with _holding_the_turn(gated) as holding:
        thread, done, failed = _in_thread(lambda: _bump(gated))
        assert not done.wait(WATCH_SECONDS), "the second writer waits for the first"
        holding.commit()
        assert done.wait(10), "the turn passes on at COMMIT"
        thread.join()
    assert failed == []
    assert _count(gated) == 2


def test_reads_do_not_wait_for_the_turn(gated: Engine) -> None:
    with _holding_the_turn(gated) as holding:
        assert _count(gated) == 0, "a read-only transaction reads beside the writer"
        holding.commit()
    assert _count(gated) == 1


# Ways a write transaction ends; after each, the turn must be free.


def _commit(engine: Engine) -> None:
    _bump(engine)


def _rollback(engine: Engine) -> None:
    with _holding_the_turn(engine) as holding:
        holding.rollback()


def _error_in_the_block(engine: Engine) -> None:
    def write_then_fail() -> None:
        with engine.begin() as db:
            db.execute(text("UPDATE counter SET n = n + 1"))
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        write_then_fail()


def _failed_statement(engine: Engine) -> None:
    with pytest.raises(Exception, match="no such table"), engine.begin() as db:
        db.execute(text("UPDATE nowhere SET n = 1"))


def _closed_without_commit(engine: Engine) -> None:
    db = engine.connect()
    db.execute(text("UPDATE counter SET n = n + 1"))  # autobegins
    db.close()


def _invalidated(engine: Engine) -> None:
    with _holding_the_turn(engine) as holding:
        holding.invalidate()


def _unit_of_work_left_without_commit(engine: Engine) -> None:
    with SqlUnitOfWork(engine):  # its BEGIN IMMEDIATE took the turn
        pass


@pytest.mark.parametrize(
    "end",
    [
        _commit,
        _rollback,
        _error_in_the_block,
        _failed_statement,
        _closed_without_commit,
        _invalidated,
        _unit_of_work_left_without_commit,
    ],
    ids=lambda end: end.__name__.strip("_").replace("_", " "),
)
def test_the_turn_is_given_back_however_the_transaction_ends(
    database: Path, end: Callable[[Engine], None]
) -> None:
    engine = make_engine(f"sqlite:///{database}", busy_timeout_seconds=1)
    try:
        end(engine)
        # another thread's write: a turn not given back would make it ServerBusy
        thread, done, failed = _in_thread(lambda: _bump(engine))
        assert done.wait(10)
        thread.join()
        assert failed == [], f"the turn was kept after: {end.__name__}"
    finally:
        engine.dispose()


def test_a_writer_that_waits_too_long_is_server_busy(database: Path) -> None:
    engine = make_engine(f"sqlite:///{database}", busy_timeout_seconds=0.2)
    try:
        with _holding_the_turn(engine) as holding:
            with pytest.raises(ServerBusy) as refused:
                _bump(engine)
            assert refused.value.retry_after_seconds >= 1
            holding.commit()
        _bump(engine)  # the refused writer left nothing taken
        assert _count(engine) == 2
    finally:
        engine.dispose()


HOLD_THE_GATE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
fcntl.flock(fd, fcntl.LOCK_UN)
"""


def test_another_process_holding_the_turn_makes_writers_wait(gated: Engine, database: Path) -> None:
    """The turn is the file's, not the process's: a writer here waits, asleep, while
    another process holds it, although SQLite's own lock is free."""
    with subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", HOLD_THE_GATE, str(database) + "-gate"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as other:
        assert other.stdout is not None and other.stdin is not None
        try:
            assert other.stdout.readline().strip() == "held"
            thread, done, failed = _in_thread(lambda: _bump(gated))
            assert not done.wait(WATCH_SECONDS), "the writer waits for the other process"
            other.stdin.write("\n")
            other.stdin.flush()
            assert done.wait(10), "and writes once the other process gives the turn back"
            thread.join()
            assert failed == []
            assert _count(gated) == 1
        finally:
            other.kill()


def test_many_writers_in_two_processes_lose_no_update(gated: Engine, database: Path) -> None:
    """Writers of this process (threads) and of another take turns; every increment lands."""
    script = (
        "import sys\n"
        "from sqlalchemy import text\n"
        "from farebridge.store.database import make_engine\n"
        "engine = make_engine(f'sqlite:///{sys.argv[1]}')\n"
        "for _ in range(100):\n"
        "    with engine.begin() as db:\n"
        "        db.execute(text('UPDATE counter SET n = n + 1'))\n"
    )

    def hundred() -> None:
        for _ in range(100):
            _bump(gated)

    with subprocess.Popen([sys.executable, "-c", script, str(database)]) as other:  # noqa: S603
        threads = [_in_thread(hundred) for _ in range(4)]
        for thread, done, failed in threads:
            assert done.wait(60)
            thread.join()
            assert failed == []
        assert other.wait(60) == 0
    assert _count(gated) == 500


def test_engines_on_one_file_share_the_gate(gated: Engine, database: Path) -> None:
    """A thread that holds the turn through one engine and writes through another waits
    for its own process's lock and is refused, instead of waiting for ever on the file."""
    other = make_engine(f"sqlite:///{database}", busy_timeout_seconds=0.2)
    try:
        with _holding_the_turn(gated) as holding:
            # in a thread: a gate per engine would leave it waiting on the file for ever
            thread, done, failed = _in_thread(lambda: _bump(other))
            assert done.wait(10), "refused after its timeout, not left waiting"
            thread.join()
            assert [type(error) for error in failed] == [ServerBusy]
            holding.commit()
        _bump(other)
        assert _count(other) == 2
    finally:
        other.dispose()


PROBE_THE_GATE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("taken")
else:
    print("free")
"""


def _probe(database: Path) -> str:
    answer = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE_THE_GATE, str(database) + "-gate"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return answer.stdout.strip()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_takes_its_own_turns(gated: Engine, database: Path) -> None:
    """The child of a process that holds the turn neither inherits the taken thread
    lock (it would wait for nothing) nor gives the parent's turn away (a flock belongs
    to the open file they share): it waits for the parent like any other process.
    The gate alone is forked here: SQLite itself must not be used across a fork."""
    _bump(gated)  # the gate exists in this process
    gate = WriteGate.of(database.with_name(database.name + "-gate"))
    parent = object()
    gate.acquire(parent, timeout=5)
    try:
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports by its exit status
            status = 1
            try:
                mine = WriteGate.of(database.with_name(database.name + "-gate"))
                holder = object()
                mine.acquire(holder, timeout=10)  # waits for the parent's flock
                mine.release(holder)
                status = 0
            finally:
                os._exit(status)
        assert _probe(database) == "taken", "the child left the parent's turn alone"
    finally:
        gate.release(parent)
    _, status = os.waitpid(child, 0)
    assert os.WEXITSTATUS(status) == 0, "the child took a turn once the parent's was over"
    assert _probe(database) == "free"


def test_a_unit_of_work_refused_its_turn_gives_its_connection_back(database: Path) -> None:
    engine = make_engine(f"sqlite:///{database}", busy_timeout_seconds=0.2)
    try:
        with _holding_the_turn(engine) as holding:
            assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
            with pytest.raises(ServerBusy) as refused:  # its traceback keeps the frames
                SqlUnitOfWork(engine).__enter__()
            # closed, not left for the garbage collector
            assert engine.pool.checkedout() == 1, refused.value  # type: ignore[attr-defined]
            holding.commit()
    finally:
        engine.dispose()
