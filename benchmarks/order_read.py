"""An order read alone (issue 14): ``python -m benchmarks.order_read [ROUNDS]``, part of
``make bench-load``.

``OrderRepository.get`` reads an order with its tickets and pending schedule changes in
one statement (JSON arrays aggregated by correlated subqueries); ``get_many``, the read
of a page, takes three (the orders, then the tickets and the changes of all of them).
Both are timed here on the same ticketed order (two passengers, two tickets, one pending
change), alternately, in one process: CPU and wall microseconds per read, the median of
``ROUNDS`` (7) runs of 300 reads each, and their ratio. SQLite is a temporary file;
PostgreSQL is ``FAREBRIDGE_BENCH_DATABASE_URL`` (default ``fb_load_bench`` on
127.0.0.1), skipped when it cannot be reached.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from tests.factories import create_order, create_passenger
from tests.integration.conftest import create_user
from tests.integration.test_order_read import change

from benchmarks.load import DEFAULT_PG, ensure_database
from farebridge.bootstrap import build
from farebridge.domain.order import Document, OrderStatus
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.migrate import upgrade

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
READS = 300
ISSUED = datetime(2029, 12, 1, 12, tzinfo=UTC)


def _prepared(url: str) -> tuple[Dependencies, str]:
    upgrade(url)
    services = build(Settings(database_url=url), engine=make_engine(url))
    user = create_user(services)
    order = create_order(status=OrderStatus.TICKETED)
    second = replace(create_passenger(id="pas_2"), given_name="Zoë")
    order = replace(order, id="ord_bench", owner_id=user.id, passengers=(*order.passengers, second))
    with services.uow() as uow:
        uow.orders.add(order)
        uow.orders.add_documents(
            order.id,
            [
                Document("electronic_ticket", "125-0000000001", "pas_1", ISSUED),
                Document("electronic_ticket", "125-0000000002", "pas_2", ISSUED),
            ],
        )
        uow.schedule_changes.add(change(order.id, 1, ISSUED + timedelta(hours=1)))
        uow.commit()
    return services, order.id


def _per_read(read: Callable[[], Any]) -> tuple[float, float]:
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    for _ in range(READS):
        read()
    return (
        (time.process_time() - started_cpu) * 1e6 / READS,
        (time.perf_counter() - started_wall) * 1e6 / READS,
    )


def measure(name: str, url: str) -> None:
    services, order_id = _prepared(url)

    def alone() -> Any:
        with services.uow(read_only=True) as uow:
            return uow.orders.get(order_id)

    def batched() -> Any:
        with services.uow(read_only=True) as uow:
            return uow.orders.get_many([order_id])[order_id]

    assert alone() == batched()
    runs: dict[str, list[tuple[float, float]]] = {"one statement": [], "three statements": []}
    for _ in range(ROUNDS):
        runs["one statement"].append(_per_read(alone))
        runs["three statements"].append(_per_read(batched))
    print(f"{name} (medians of {ROUNDS} runs of {READS} reads):")
    medians = {}
    for label, samples in runs.items():
        cpu = statistics.median(s[0] for s in samples)
        wall = statistics.median(s[1] for s in samples)
        medians[label] = wall
        print(f"  {label}: CPU {cpu:.0f} µs, wall {wall:.0f} µs per read")
    ratio = medians["one statement"] / medians["three statements"]
    print(f"  wall ratio one / three: {ratio:.2f}")


def main() -> None:
    folder = tempfile.mkdtemp(prefix="fb-order-read-")
    measure("SQLite", f"sqlite:///{folder}/farebridge.db")
    url = os.environ.get("FAREBRIDGE_BENCH_DATABASE_URL") or DEFAULT_PG
    try:
        ensure_database(url)
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as db:
            db.execute(text("drop schema public cascade; create schema public"))
        engine.dispose()
    except OperationalError as error:
        print(f"PostgreSQL: skipped ({str(error).splitlines()[0]})")
        return
    measure("PostgreSQL", url)


if __name__ == "__main__":
    main()
