"""What one paid order costs the worker, job by job (issue 14):
``python -m benchmarks.job_costs [DATABASE_URL]``, part of ``make bench-load``.

Seeds BENCH_ORDERS (150) instant orders through the services with the sandbox provider
(``benchmarks.worker_drain``'s seed: each leaves an ``issue_tickets`` job, and
ticketing then queues a sync, a PDF e-ticket and e-mails), then runs every job in this
process, one at a time, with the worker's own ``drain`` and its e-mail and webhook
dispatch, until none is left. Each handler is timed (CPU and wall); printed per kind:
jobs, CPU and wall time per order, CPU per job; and the whole drain's CPU per order.
The PDF code is imported before the clock starts, as in a worker that has rendered
once.

Then, on a fresh copy of the same seed, the worker's own loop (``run_forever``, its
default threads, and tickets in batches on SQLite as ``farebridge worker`` does) runs
every job until the queue is empty, and the transactions that wrote are counted: per
paid order, in all and per job kind (claims and the marking of jobs done are the
loop's own). On SQLite every one of them waits for the file's single
writer, which the API's bookings need too (ADR 0052).

DATABASE_URL: a PostgreSQL database this benchmark may drop and create (and
``<name>_run`` next to it), else FAREBRIDGE_BENCH_DATABASE_URL, else a temporary SQLite
file. Timings on a shared machine are noisy: compare alternating runs. Nothing here
asserts a time.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine

from benchmarks.worker_drain import Databases, seed
from farebridge.bootstrap import build
from farebridge.jobs.worker import SQLITE_TICKETING_BATCH, Worker
from farebridge.observability import configure_logging
from farebridge.services.ports import BatchJobHandler, Dependencies, JobHandler
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.tables import jobs

ORDERS = int(os.environ.get("BENCH_ORDERS", "150"))


class Clock:
    """CPU and wall seconds, and calls, per name."""

    def __init__(self) -> None:
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.wall: defaultdict[str, float] = defaultdict(float)
        self.calls: defaultdict[str, int] = defaultdict(int)

    def timed(self, name: str, work: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return work()
        finally:
            self.cpu[name] += time.process_time() - cpu
            self.wall[name] += time.perf_counter() - wall
            self.calls[name] += 1

    def handlers(self, table: Mapping[str, JobHandler]) -> dict[str, JobHandler]:
        def timing(kind: str, handler: JobHandler) -> JobHandler:
            def run(deps: Dependencies, payload: dict[str, Any]) -> None:
                self.timed(kind, lambda: handler(deps, payload))

            return run

        return {kind: timing(kind, handler) for kind, handler in table.items()}


def drain(services: Dependencies, clock: Clock) -> None:
    """Every job, then the dispatch (which queues the e-mails and webhooks the jobs
    caused), until a dispatch leaves nothing to run."""
    worker = Worker(replace(services, job_handlers=clock.handlers(services.job_handlers)))
    while True:
        worker.drain(max_jobs=1_000_000)
        clock.timed("dispatch", lambda: (worker.dispatch_emails(), worker.dispatch_webhooks()))
        if not worker.drain(max_jobs=1_000_000):
            return


class WriteCounter:
    """Transactions that wrote (an INSERT, UPDATE or DELETE before their COMMIT) on
    ``engine``, by the job kind running on the thread (``loop``: anything else)."""

    WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self, engine: Engine) -> None:
        self.by_kind: defaultdict[str, int] = defaultdict(int)
        self._wrote: set[int] = set()
        self._lock = threading.Lock()
        self.kind = threading.local()
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip()[:6].upper() in self.WRITES:
            with self._lock:
                self._wrote.add(id(connection.connection))

    def _commit(self, connection: Any) -> None:
        with self._lock:
            if id(connection.connection) in self._wrote:
                self._wrote.discard(id(connection.connection))
                self.by_kind[getattr(self.kind, "name", "loop")] += 1

    def handlers(self, table: Mapping[str, JobHandler]) -> dict[str, JobHandler]:
        def naming(kind: str, handler: JobHandler) -> JobHandler:
            def run(deps: Dependencies, payload: dict[str, Any]) -> None:
                self.kind.name = kind
                try:
                    handler(deps, payload)
                finally:
                    self.kind.name = "loop"

            return run

        return {kind: naming(kind, handler) for kind, handler in table.items()}

    def batch_handlers(self, table: Mapping[str, BatchJobHandler]) -> dict[str, BatchJobHandler]:
        def naming(kind: str, handler: BatchJobHandler) -> BatchJobHandler:
            def run(
                deps: Dependencies, payloads: Sequence[dict[str, Any]]
            ) -> list[Exception | None]:
                self.kind.name = kind
                try:
                    return handler(deps, payloads)
                finally:
                    self.kind.name = "loop"

            return run

        return {kind: naming(kind, handler) for kind, handler in table.items()}


def count_writes(run_url: str) -> WriteCounter:
    """Every job of the copy run by the worker's loop until none is left; its writes."""
    engine = make_engine(run_url)
    with engine.begin() as db:
        db.execute(update(jobs).values(run_after=datetime.now(UTC)))
    services = build(Settings(database_url=run_url), engine=engine)
    counter = WriteCounter(engine)
    counted = replace(
        services,
        job_handlers=counter.handlers(services.job_handlers),
        batch_handlers=counter.batch_handlers(services.batch_handlers),
    )
    batch = SQLITE_TICKETING_BATCH if engine.dialect.name == "sqlite" else 1  # as the CLI
    worker = Worker(counted, batch_size=batch)
    loop = threading.Thread(target=worker.run_forever, daemon=True)
    loop.start()
    left = select(func.count()).select_from(jobs).where(jobs.c.status.in_(("queued", "running")))
    quiet = 0
    while quiet < 3:  # no job left three polls running: the dispatch has nothing more
        time.sleep(0.5)
        with engine.connect() as db:
            quiet = quiet + 1 if db.execute(left).scalar() == 0 else 0
    worker.stop()
    loop.join()
    engine.dispose()
    return counter


def main(url: str | None) -> None:
    configure_logging("WARNING")
    for module in ("farebridge.pdf.e_ticket", "farebridge.pdf.cancellation_receipt"):
        importlib.import_module(module)  # as in a worker that has rendered once
    with tempfile.TemporaryDirectory() as folder:
        databases = Databases(url, Path(folder))
        seed(databases.seed_url, ORDERS)
        counter = count_writes(databases.fresh_run())
        run_url = databases.fresh_run()
        engine = make_engine(run_url)
        with engine.begin() as db:  # the seed holds its jobs back: all due now
            db.execute(update(jobs).values(run_after=datetime.now(UTC)))
        services = build(Settings(database_url=run_url), engine=engine)
        clock = Clock()
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        drain(services, clock)
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
        engine.dispose()
    print(f"database: {'PostgreSQL' if databases.postgres else 'SQLite'}")
    print(
        f"{ORDERS} paid orders' jobs drained in {wall:.1f} s: {1000 * cpu / ORDERS:.1f} ms "
        "of CPU per order"
    )
    for name in sorted(clock.cpu, key=clock.cpu.__getitem__, reverse=True):
        print(
            f"  {name:16} {clock.calls[name]:5} runs  CPU {1000 * clock.cpu[name] / ORDERS:6.1f} "
            f"ms/order  wall {1000 * clock.wall[name] / ORDERS:6.1f} ms/order  "
            f"CPU {1000 * clock.cpu[name] / clock.calls[name]:5.1f} ms/run"
        )
    writes = sum(counter.by_kind.values())
    print(f"the worker's loop: {writes / ORDERS:.2f} transactions that wrote, per paid order")
    for name in sorted(counter.by_kind, key=counter.by_kind.__getitem__, reverse=True):
        print(f"  {name:16} {counter.by_kind[name] / ORDERS:5.2f}")


if __name__ == "__main__":
    given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FAREBRIDGE_BENCH_DATABASE_URL")
    main(given)
