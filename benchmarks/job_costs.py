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
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update

from benchmarks.worker_drain import Databases, seed
from farebridge.bootstrap import build
from farebridge.jobs.worker import Worker
from farebridge.observability import configure_logging
from farebridge.services.ports import Dependencies, JobHandler
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


def main(url: str | None) -> None:
    configure_logging("WARNING")
    for module in ("farebridge.pdf.e_ticket", "farebridge.pdf.cancellation_receipt"):
        importlib.import_module(module)  # as in a worker that has rendered once
    with tempfile.TemporaryDirectory() as folder:
        databases = Databases(url, Path(folder))
        seed(databases.seed_url, ORDERS)
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


if __name__ == "__main__":
    given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FAREBRIDGE_BENCH_DATABASE_URL")
    main(given)
