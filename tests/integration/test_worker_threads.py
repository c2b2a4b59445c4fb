"""A worker process running several jobs at once (ADR 0033): every job exactly once,
the heartbeat beating while every thread is busy, and a stop that claims nothing more
and waits for the jobs in flight."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError

from farebridge.jobs import worker as worker_module
from farebridge.jobs.worker import Worker
from farebridge.services.jobs import JobKind, priority_of
from farebridge.services.ports import Dependencies
from farebridge.store.jobs import JobRepository
from farebridge.store.tables import jobs, worker_heartbeats

WAIT_SECONDS = 60  # a bound on waiting for what must happen, never a timing claim


def _enqueue(engine: Engine, count: int, kind: str = JobKind.SEND_EMAIL.value) -> None:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        repository = JobRepository(connection)
        for n in range(count):
            repository.enqueue(
                kind, {"n": n}, now=now - timedelta(seconds=1), priority=priority_of(JobKind(kind))
            )


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.01)


def _statuses(engine: Engine) -> dict[str, int]:
    with engine.connect() as db:
        query = select(jobs.c.status, func.count()).group_by(jobs.c.status)
        return {row[0]: row[1] for row in db.execute(query)}


@contextmanager
def running(worker: Worker) -> Iterator[threading.Thread]:
    loop = threading.Thread(target=worker.run_forever, name="worker-loop", daemon=True)
    loop.start()
    try:
        yield loop
    finally:
        worker.stop()
        loop.join(timeout=WAIT_SECONDS)


def _with_email_handler(services: Dependencies, handler: Any) -> Dependencies:
    return replace(services, job_handlers={**services.job_handlers, "send_email": handler})


def test_threads_run_every_job_exactly_once_and_at_the_same_time(
    services: Dependencies, engine: Engine
) -> None:
    count = 80
    runs: list[int] = []
    lock = threading.Lock()
    busy = {"now": 0, "most": 0}

    def record(_deps: Dependencies, payload: dict[str, Any]) -> None:
        with lock:
            busy["now"] += 1
            busy["most"] = max(busy["most"], busy["now"])
        time.sleep(0.01)  # long enough for the threads to overlap
        with lock:
            busy["now"] -= 1
            runs.append(payload["n"])

    _enqueue(engine, count)
    worker = Worker(
        _with_email_handler(services, record), poll_seconds=0.02, threads=4, bulk_threads=4
    )
    with running(worker):
        _until(lambda: _statuses(engine) == {"done": count}, "every job done")
    per_job = Counter(runs)
    assert sorted(per_job) == list(range(count))
    assert set(per_job.values()) == {1}, [n for n, c in per_job.items() if c > 1]
    assert busy["most"] > 1, "the jobs ran one at a time"
    assert busy["most"] <= 4


def test_a_stop_claims_nothing_more_and_waits_for_the_jobs_in_flight(
    services: Dependencies, engine: Engine
) -> None:
    started = threading.Semaphore(0)
    release = threading.Event()

    def blocking(_deps: Dependencies, _payload: dict[str, Any]) -> None:
        started.release()
        assert release.wait(WAIT_SECONDS), "the test never let the job finish"

    _enqueue(engine, 5)
    worker = Worker(
        _with_email_handler(services, blocking),
        poll_seconds=0.02,
        heartbeat_seconds=0.02,
        threads=3,
        bulk_threads=3,
    )
    loop = threading.Thread(target=worker.run_forever, daemon=True)
    loop.start()
    try:
        for _ in range(3):
            assert started.acquire(timeout=WAIT_SECONDS)
        assert worker.in_flight == 3
        assert _statuses(engine) == {"running": 3, "queued": 2}
        worker.stop()
        loop.join(timeout=0.3)
        assert loop.is_alive(), "run_forever returned with jobs still in flight"
    finally:
        release.set()
        loop.join(timeout=WAIT_SECONDS)
    assert not loop.is_alive()
    assert worker.in_flight == 0
    assert _statuses(engine) == {"done": 3, "queued": 2}, "finished, and nothing more claimed"
    with engine.connect() as db:
        assert db.execute(select(func.count()).select_from(worker_heartbeats)).scalar() == 0


def test_the_heartbeat_beats_while_every_thread_is_busy(
    services: Dependencies, engine: Engine
) -> None:
    release = threading.Event()
    started = threading.Semaphore(0)

    def blocking(_deps: Dependencies, _payload: dict[str, Any]) -> None:
        started.release()
        release.wait(WAIT_SECONDS)

    def beat_at() -> datetime | None:
        with engine.connect() as db:
            return db.execute(select(func.max(worker_heartbeats.c.beat_at))).scalar()

    _enqueue(engine, 2)
    worker = Worker(
        _with_email_handler(services, blocking),
        poll_seconds=0.02,
        heartbeat_seconds=0.02,
        threads=2,
        bulk_threads=2,
    )
    # The jobs are let go before the worker stops: a stop waits for the jobs in flight,
    # so releasing them after it made every run wait out WAIT_SECONDS.
    with running(worker):
        try:
            for _ in range(2):
                assert started.acquire(timeout=WAIT_SECONDS)
            first = beat_at()
            _until(lambda: beat_at() not in (None, first), "a heartbeat while jobs run")
        finally:
            release.set()
    assert _statuses(engine) == {"done": 2}


def test_a_worker_needs_a_thread(services: Dependencies) -> None:
    with pytest.raises(ValueError, match="at least one thread"):
        Worker(services, threads=0)


def test_bulk_jobs_never_take_every_thread(services: Dependencies, engine: Engine) -> None:
    """Two threads, one for bulk jobs: while an e-mail blocks, the next e-mails wait
    and an urgent job that arrives runs on the other thread (ADR 0040)."""
    release = threading.Event()
    started = threading.Semaphore(0)
    urgent_ran = threading.Event()

    def blocking(_deps: Dependencies, _payload: dict[str, Any]) -> None:
        started.release()
        assert release.wait(WAIT_SECONDS), "the test never let the job finish"

    def urgent(_deps: Dependencies, _payload: dict[str, Any]) -> None:
        urgent_ran.set()

    handlers = {**services.job_handlers, "send_email": blocking, "issue_tickets": urgent}
    _enqueue(engine, 3)
    worker = Worker(
        replace(services, job_handlers=handlers), poll_seconds=0.02, threads=2, bulk_threads=1
    )
    with running(worker):
        try:
            assert started.acquire(timeout=WAIT_SECONDS)
            time.sleep(0.2)  # room for a wrong second claim to happen
            assert _statuses(engine) == {"running": 1, "queued": 2}, "a second bulk job ran"
            _enqueue(engine, 1, kind=JobKind.TICKETING.value)
            assert urgent_ran.wait(WAIT_SECONDS), "the urgent job waited for the bulk one"
            assert not started.acquire(timeout=0.05), "a second bulk job ran"
        finally:
            release.set()
        _until(lambda: _statuses(engine) == {"done": 4}, "every job done")


def test_a_slow_dispatch_does_not_hold_up_the_jobs(services: Dependencies, engine: Engine) -> None:
    """The dispatch of e-mails and webhooks runs on its own thread: jobs are claimed and
    run while it is busy."""
    dispatching = threading.Event()
    release = threading.Event()
    ran: list[int] = []

    class SlowDispatch(Worker):
        def dispatch_emails(self) -> None:
            dispatching.set()
            release.wait(WAIT_SECONDS)

    def record(_deps: Dependencies, payload: dict[str, Any]) -> None:
        ran.append(payload["n"])

    worker = SlowDispatch(_with_email_handler(services, record), poll_seconds=0.02, threads=2)
    with running(worker):
        try:
            assert dispatching.wait(WAIT_SECONDS)
            _enqueue(engine, 3)
            _until(lambda: len(ran) == 3, "the jobs ran while the dispatch was busy")
            assert not release.is_set()
        finally:
            release.set()


def test_bulk_threads_are_at_least_one(services: Dependencies) -> None:
    with pytest.raises(ValueError, match="at least one thread"):
        Worker(services, threads=2, bulk_threads=0)


def test_a_job_is_marked_done_by_the_transaction_that_claims_the_next(
    services: Dependencies, engine: Engine
) -> None:
    """ADR 0052: a job run to the end is marked done with the next claim, never in a
    transaction of its own; every job still ends done, exactly once."""
    count = 30
    runs: list[int] = []
    own_finishes: list[str] = []

    def record(_deps: Dependencies, payload: dict[str, Any]) -> None:
        runs.append(payload["n"])

    def watch(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        flat = " ".join(statement.split()).lower()
        if flat.startswith("update jobs set status") and "where jobs.id = " in flat:
            own_finishes.append(flat)

    _enqueue(engine, count)
    worker = Worker(
        _with_email_handler(services, record), poll_seconds=0.02, threads=3, bulk_threads=3
    )
    event.listen(engine, "before_cursor_execute", watch)
    try:
        with running(worker):
            _until(lambda: _statuses(engine) == {"done": count}, "every job done")
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert sorted(runs) == list(range(count))
    assert own_finishes == [], "a job was marked done on its own"


def test_jobs_whose_claim_failed_are_marked_done_by_the_next_one(
    services: Dependencies, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database blinks on the claim that would mark the first jobs done: they are
    kept, marked done by the next claim, and none runs twice."""
    runs: list[int] = []
    failures = {"left": 0}
    real_claim = worker_module.claim_jobs

    def blinking(deps: Dependencies, limit: int, **kwargs: Any) -> Any:
        if kwargs.get("finished") and failures["left"]:
            failures["left"] -= 1
            raise OperationalError("claim", {}, Exception("database is locked"))
        return real_claim(deps, limit, **kwargs)

    def record(_deps: Dependencies, payload: dict[str, Any]) -> None:
        runs.append(payload["n"])
        failures["left"] = 1  # the claim after this job's end fails once

    monkeypatch.setattr(worker_module, "claim_jobs", blinking)
    _enqueue(engine, 6)
    worker = Worker(
        _with_email_handler(services, record), poll_seconds=0.02, threads=1, bulk_threads=1
    )
    with running(worker):
        _until(lambda: _statuses(engine) == {"done": 6}, "every job done")
    assert sorted(runs) == list(range(6)), "a job ran twice or never"


def test_bulk_jobs_wait_while_urgent_ones_flow_unless_they_waited_long(
    services: Dependencies, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0052: while ``bulk_hold_jobs`` urgent jobs were claimed within
    ``bulk_quiet_seconds`` (a burst of bookings), a worker claims only the bulk jobs that
    have waited ``bulk_max_wait``; once it is quiet, the rest. (One urgent job is a burst
    here; by default it takes five in a second.)"""
    ran: list[str] = []
    claims: list[int] = []
    real_claim = worker_module.claim_jobs

    def counting(deps: Dependencies, limit: int, **kwargs: Any) -> Any:
        claims.append(limit)
        return real_claim(deps, limit, **kwargs)

    monkeypatch.setattr(worker_module, "claim_jobs", counting)

    def record(name: str) -> Any:
        return lambda _deps, payload: ran.append(f"{name}:{payload['n']}")

    handlers = {**services.job_handlers, "send_email": record("email")}
    handlers["issue_tickets"] = record("ticket")
    busy = replace(services, job_handlers=handlers)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        JobRepository(connection).enqueue(
            JobKind.TICKETING.value, {"n": 0}, now=now, priority=priority_of(JobKind.TICKETING)
        )
    worker = Worker(
        busy,
        poll_seconds=0.02,
        threads=2,
        bulk_quiet_seconds=3600,
        bulk_hold_jobs=1,
        bulk_max_wait=timedelta(minutes=5),
    )
    with running(worker):
        _until(lambda: ran == ["ticket:0"], "the ticket ran")
        with engine.begin() as connection:
            repository = JobRepository(connection)
            bulk = priority_of(JobKind.SEND_EMAIL)
            repository.enqueue("send_email", {"n": 1}, now=now, priority=bulk)  # just due
            repository.enqueue(
                "send_email", {"n": 2}, now=now - timedelta(minutes=6), priority=bulk
            )
        _until(lambda: "email:2" in ran, "the e-mail that waited long ran")
        since = len(claims)
        _until(lambda: len(claims) >= since + 5, "five more claims")  # room for a wrong one
        assert "email:1" not in ran, "a fresh bulk job ran while tickets flow"
    with engine.begin() as connection:
        JobRepository(connection).enqueue(
            JobKind.TICKETING.value, {"n": 1}, now=now, priority=priority_of(JobKind.TICKETING)
        )
    # one ticket in the window is no burst by default: the e-mail runs beside it
    quiet = Worker(busy, poll_seconds=0.02, threads=2, bulk_quiet_seconds=3600)
    with running(quiet):
        _until(lambda: "email:1" in ran, "the e-mail ran once it was quiet")
    assert sorted(ran) == ["email:1", "email:2", "ticket:0", "ticket:1"]
