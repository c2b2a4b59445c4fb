"""One worker process for tests/integration/test_worker_processes.py: the real ``Worker``
(``run_forever`` with WORKER_THREADS threads, default 4) on the database at argv[1],
whose ``send_email`` handler is replaced by one that appends ``<payload n> <pid> <unix
time>`` to the file at argv[2] (an O_APPEND line per run). It stops the worker once the
queue has stayed empty, and nothing in flight, for a second (``WORKER_IDLE_SECONDS``)."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from farebridge.bootstrap import build
from farebridge.jobs.handlers import HANDLERS
from farebridge.jobs.worker import Worker
from farebridge.services.jobs import JobKind
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.tables import jobs


def main(url: str, record: Path) -> None:
    def recording(_deps: Dependencies, payload: dict[str, Any]) -> None:
        time.sleep(0.01)  # long enough for the processes to overlap
        line = f"{payload['n']} {os.getpid()} {time.time():.3f}\n".encode()
        fd = os.open(record, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    engine = make_engine(url)
    deps = build(Settings(database_url=url), engine=engine)
    deps = replace(deps, job_handlers={**HANDLERS, JobKind.SEND_EMAIL.value: recording})
    threads = int(os.environ.get("WORKER_THREADS", "4"))
    worker = Worker(deps, poll_seconds=0.05, threads=threads)
    loop = threading.Thread(target=worker.run_forever)
    loop.start()
    waiting = select(func.count()).where(jobs.c.status.in_(("queued", "running")))
    idle_since = time.monotonic()
    idle_limit = float(os.environ.get("WORKER_IDLE_SECONDS", "1"))
    while time.monotonic() - idle_since < idle_limit:
        time.sleep(0.05)
        with engine.connect() as db:
            busy = worker.in_flight or db.execute(waiting).scalar()
        if busy:
            idle_since = time.monotonic()
    worker.stop()
    loop.join()
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
