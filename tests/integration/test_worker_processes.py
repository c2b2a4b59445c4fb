"""Several workers draining one queue run every job exactly once (ADR 0029): worker
processes on PostgreSQL (``FOR UPDATE SKIP LOCKED``), claiming threads on both
databases, and the process counts ``farebridge run`` picks per database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text, update

from farebridge.cli import default_processes, process_counts
from farebridge.services.jobs import JobKind
from farebridge.store.jobs import JobRepository
from farebridge.store.tables import jobs, worker_heartbeats

HELPER = Path(__file__).with_name("worker_process.py")
ROOT = Path(__file__).resolve().parents[2]


def _enqueue(engine: Engine, count: int, kind: str = JobKind.SEND_EMAIL.value) -> None:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        repository = JobRepository(connection)
        for n in range(count):
            repository.enqueue(kind, {"n": n}, now=now - timedelta(seconds=1))


def test_three_worker_processes_of_four_threads_run_every_job_exactly_once(
    engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps one worker process (ADR 0029)")
    count = 120
    _enqueue(engine, count)
    with engine.begin() as connection:  # held back until every process has started
        connection.execute(update(jobs).values(run_after=datetime(2100, 1, 1, tzinfo=UTC)))
    record = tmp_path / "runs.txt"
    url = engine.url.render_as_string(hide_password=False)
    workers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, str(HELPER), url, str(record)], cwd=ROOT
        )
        for _ in range(3)
    ]
    deadline = time.monotonic() + 120
    while _heartbeats(engine) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    with engine.begin() as connection:
        connection.execute(update(jobs).values(run_after=datetime.now(UTC)))
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    runs = [line.split() for line in record.read_text().splitlines()]
    per_job = Counter(int(n) for n, _pid, _at in runs)
    assert sorted(per_job) == list(range(count))
    assert set(per_job.values()) == {1}, [n for n, c in per_job.items() if c > 1]
    assert len({pid for _n, pid, _at in runs}) >= 2  # the processes really shared the queue
    with engine.connect() as connection:
        statuses = dict(
            connection.execute(select(jobs.c.status, func.count()).group_by(jobs.c.status)).all()
        )
    assert statuses == {"done": count}


def _heartbeats(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(worker_heartbeats)).scalar_one()
        )


@pytest.mark.parametrize("batch", [1, 4])
def test_claiming_threads_never_share_a_job(engine: Engine, batch: int) -> None:
    """The claim itself, on both databases, one job or a batch at a time: every job
    claimed once by some thread."""
    count, threads = 60, 3
    _enqueue(engine, count)
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def claim_all() -> None:
        try:
            while True:
                with engine.connect() as connection, connection.begin():
                    found = JobRepository(connection).claim_batch(
                        now=datetime.now(UTC), lease=timedelta(minutes=5), limit=batch
                    )
                if not found:
                    return
                with lock:
                    claimed.extend(job.id for job in found)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    runners = [threading.Thread(target=claim_all) for _ in range(threads)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=60)
    assert errors == []
    assert len(claimed) == count
    assert len(set(claimed)) == count


def test_a_claimed_job_is_skipped_while_its_claim_is_open(engine: Engine) -> None:
    """PostgreSQL: a row locked by one claim is skipped (not waited for) by the next."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    _enqueue(engine, 2)
    now = datetime.now(UTC)
    with engine.connect() as first, first.begin():
        held = JobRepository(first).claim_next(now=now, lease=timedelta(minutes=5))
        with engine.connect() as second, second.begin():
            second.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting = failing
            other = JobRepository(second).claim_next(now=now, lease=timedelta(minutes=5))
    assert held is not None
    assert other is not None
    assert other.id != held.id


def test_process_counts_per_database() -> None:
    assert default_processes("sqlite:///./farebridge.db", cpus=8) == (2, 1)
    assert default_processes("sqlite:///./farebridge.db", cpus=1) == (1, 1)
    assert default_processes("postgresql+psycopg://db/fb", cpus=8) == (4, 2)
    assert default_processes("postgresql+psycopg://db/fb", cpus=1) == (1, 2)
    assert process_counts("sqlite:///x.db", 1, 4) == (1, 1)  # SQLite: one worker
    assert process_counts("postgresql+psycopg://db/fb", 3, 5) == (3, 5)
    assert process_counts("postgresql+psycopg://db/fb", None, None) == default_processes(
        "postgresql+psycopg://db/fb"
    )


def test_farebridge_worker_concurrency_starts_beating_processes(
    engine: Engine, tmp_path: Path
) -> None:
    """``farebridge worker --concurrency 2``: two processes on PostgreSQL, one on SQLite;
    each records a heartbeat, and removes it when SIGTERM stops it."""
    expected = 2 if engine.dialect.name == "postgresql" else 1
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "FAREBRIDGE_DATABASE_URL": url, "FAREBRIDGE_MAIL_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "farebridge.cli", "worker", "--concurrency", "2"]
    supervisor = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
    try:
        deadline = time.monotonic() + 90
        beating = 0
        while time.monotonic() < deadline and beating < expected:
            time.sleep(0.5)
            with engine.connect() as connection:
                beating = connection.execute(
                    select(func.count()).select_from(worker_heartbeats)
                ).scalar_one()
        time.sleep(1)  # no third process turns up
        with engine.connect() as connection:
            rows = connection.execute(select(worker_heartbeats.c.pid)).scalars().all()
        assert len(rows) == expected
        if expected > 1:
            assert supervisor.pid not in rows  # the supervisor runs no jobs itself
    finally:
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0
    with engine.connect() as connection:
        left = connection.execute(select(func.count()).select_from(worker_heartbeats))
        assert left.scalar_one() == 0


def test_the_worker_process_stands_back_for_the_api(engine: Engine) -> None:
    """``FAREBRIDGE_WORKER_NICE``: the worker lowers its own priority once started
    (ADR 0044), so that under load the API has the cores first."""
    if not hasattr(os, "getpriority"):
        pytest.skip("Unix priorities")
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "FAREBRIDGE_DATABASE_URL": url, "FAREBRIDGE_WORKER_NICE": "7"}
    env["FAREBRIDGE_LOG_LEVEL"] = "WARNING"
    worker = subprocess.Popen(
        [sys.executable, "-m", "farebridge.cli", "worker", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while _heartbeats(engine) < 1 and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker stopped"
            time.sleep(0.05)
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(mine + 7, 19)
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0


def test_tickets_are_batched_on_sqlite_with_the_sandbox_only() -> None:
    """ADR 0052: 16 on SQLite with the sandbox; 1 on PostgreSQL and with Duffel."""
    from farebridge.cli import default_ticketing_batch
    from farebridge.settings import Settings

    assert default_ticketing_batch(Settings(database_url="sqlite:///x.db")) == 16
    duffel = Settings(database_url="sqlite:///x.db", duffel_access_token="duffel_test_x")
    assert default_ticketing_batch(duffel) == 1
    assert default_ticketing_batch(Settings(database_url="postgresql+psycopg://db/fb")) == 1
