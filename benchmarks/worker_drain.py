"""How fast workers drain paid orders' jobs (issue 14, item 3):
``python -m benchmarks.worker_drain [DATABASE_URL]``.

Seeds BENCH_ORDERS (600) instant orders placed through the services with the sandbox
provider; each leaves an ``issue_tickets`` job, and ticketing then queues a sync, a
PDF e-ticket and e-mails. Each run copies the seed (a file copy on SQLite, ``CREATE
DATABASE … TEMPLATE`` on PostgreSQL), starts ``farebridge worker`` processes
(FAREBRIDGE_WORKER_THREADS threads each), waits for their heartbeats, then:

- backlog: the first BENCH_BACKLOG (200) orders' ticketing jobs due at once; figures:
  tickets per second, seconds until every order is ticketed and until the queue is
  empty (PDFs and e-mails included);
- sustained: the ticketing jobs queued again as bookings would, one order every
  1/BENCH_RATE s (60 a second, the booking rate measured on main) from a thread of
  this process, so that they arrive among the follow-up jobs of the orders before
  them; figure: the ticketing lag (a job's ``finished_at`` - its ``run_after``, the
  moment it was queued), p50 and p95.

Then, apart, the claim: BENCH_DONE_ROWS (100,000) done rows (made done by UPDATE, as
workers do, so PostgreSQL also holds their dead versions) in front of 50 due jobs,
and the time of one claim (``claim_next`` in a transaction rolled back), median of 200.

Every figure is the median of BENCH_REPEATS runs (3); BENCH_CONFIGURATIONS picks the
processes x threads to run (e.g. ``1x1,2x4``). DATABASE_URL: a PostgreSQL database
this benchmark may drop and create (and ``<name>_run`` next to it), else
FAREBRIDGE_BENCH_DATABASE_URL, else a temporary SQLite file. The worker processes and
this one share the machine; nothing here asserts a time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Engine,
    create_engine,
    func,
    insert,
    make_url,
    select,
    text,
    update,
)

from benchmarks import servers
from farebridge.bootstrap import build
from farebridge.domain.account import Role, User
from farebridge.domain.ids import new_id
from farebridge.domain.order import IdentityDocument, OrderType, Passenger
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.observability import configure_logging
from farebridge.services import search
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.services.ticketing import enqueue_ticketing
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.jobs import JobRepository
from farebridge.store.migrate import upgrade
from farebridge.store.tables import jobs, worker_heartbeats

ORDERS = int(os.environ.get("BENCH_ORDERS", "600"))  # the sustained run's bookings
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "200"))  # the backlog run's
RATE = float(os.environ.get("BENCH_RATE", "60"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
DONE_ROWS = int(os.environ.get("BENCH_DONE_ROWS", "100000"))
RUN_LIMIT_SECONDS = float(os.environ.get("BENCH_RUN_LIMIT", "240"))
HELD_BACK = datetime(2100, 1, 1, tzinfo=UTC)
ROUTES = [("JFK", "LHR"), ("LHR", "FRA"), ("CDG", "JFK"), ("FRA", "SIN"), ("MAD", "JFK")]
TICKETING = "issue_tickets"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the seed: K paid orders whose jobs wait -------------------------------------


def _passenger(n: int) -> Passenger:
    passport = IdentityDocument("passport", f"X{n:07d}", "US", date(2040, 1, 1))
    return Passenger(
        "", PassengerType.ADULT, "ms", "Amelia", "Earhart", date(1987, 7, 24), "f",
        identity_documents=(passport,),
    )  # fmt: skip


def _offers(services: Dependencies, count: int) -> list[object]:
    """Offers on many flights (seats for every order): a search per route and day."""
    offers: list[object] = []
    day = 20
    while len(offers) < count:
        for origin, destination in ROUTES:
            criteria = SearchCriteria(
                (
                    SliceRequest(
                        origin, destination, services.clock.now().date() + timedelta(days=day)
                    ),
                ),
                (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
            )
            request = search.create_offer_request(services, user=None, criteria=criteria)
            search.get_offer_request(services, user=None, request_id=request.id, wait=True)
            page = search.list_offers(
                services, user=None, request_id=request.id, filters=OfferFilter(),
                page=PageRequest(limit=200),
            )  # fmt: skip
            offers.extend(page.items[::4])  # a few fares per flight
        day += 1
    return offers[:count]


def seed(url: str, count: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    services = build(Settings(database_url=url), engine=engine)
    placed = 0
    for n, offer in enumerate(_offers(services, count * 2)):
        if placed == count:
            break
        user = User(new_id("usr"), f"bench{n}@example.com", Role.CUSTOMER, services.clock.now())
        with services.uow() as uow:
            uow.users.add(user, "x")
            uow.commit()
        command = CreateOrder(
            OrderType.INSTANT,
            offer.id,  # type: ignore[attr-defined]
            [_passenger(n)],
            payment=PaymentRequest(offer.total, PaymentMethod(PaymentType.BALANCE)),  # type: ignore[attr-defined]
        )
        try:
            create_order(services, user=user, command=command)
        except Exception as exc:  # a sold-out flight: take the next offer
            print(f"  (order {n} not placed: {exc!r})", file=sys.stderr)
            continue
        placed += 1
    with engine.begin() as db:
        db.execute(update(jobs).values(run_after=HELD_BACK))
        waiting = select(jobs.c.kind, func.count()).where(jobs.c.status == "queued")
        kinds: dict[str, int] = dict(db.execute(waiting.group_by(jobs.c.kind)).all())
    engine.dispose()
    print(f"seed: {placed} paid orders; jobs waiting {kinds}")


# --- a copy of the seed per run ------------------------------------------------


class Databases:
    """The seed and a fresh copy of it for each run."""

    def __init__(self, url: str | None, folder: Path) -> None:
        self.postgres = url is not None and url.startswith("postgresql")
        if self.postgres:
            assert url is not None
            target = make_url(url)
            self._admin = create_engine(
                target.set(database="postgres"), isolation_level="AUTOCOMMIT"
            )
            self.seed_url = url
            self.run_url = target.set(database=f"{target.database}_run").render_as_string(
                hide_password=False
            )
            self._recreate(target.database or "", template=None)
        else:
            self.seed_url = f"sqlite:///{folder / 'seed.db'}"
            self.run_url = f"sqlite:///{folder / 'run.db'}"
        self._folder = folder

    def _recreate(self, name: str, *, template: str | None) -> None:
        with self._admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            db.execute(text(f'CREATE DATABASE "{name}"{suffix}'))

    def fresh_run(self) -> str:
        if self.postgres:
            seed_name = make_url(self.seed_url).database or ""
            self._recreate(make_url(self.run_url).database or "", template=seed_name)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self._folder / 'run.db'}{suffix}").unlink(missing_ok=True)
            for suffix in ("", "-wal"):
                source = Path(f"{self._folder / 'seed.db'}{suffix}")
                if source.exists():
                    shutil.copy(source, f"{self._folder / 'run.db'}{suffix}")
        return self.run_url


# --- one run: worker processes drain the copy --------------------------------------


@contextmanager
def workers(url: str, processes: int, threads: int) -> Iterator[None]:
    env = {
        **os.environ,
        "FAREBRIDGE_DATABASE_URL": url,
        "FAREBRIDGE_WORKER_THREADS": str(threads),
        "FAREBRIDGE_WORKER_CONCURRENCY": "1",
        "FAREBRIDGE_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "farebridge.cli", "worker", "--concurrency", "1"]
    started = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
        for _ in range(processes)
    ]
    try:
        yield
    finally:
        servers.stop(started, seconds=60)  # SIGTERM: jobs in flight finish first


def _wait_for_heartbeats(engine: Engine, count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with engine.connect() as db:
            beating = db.execute(select(func.count()).select_from(worker_heartbeats)).scalar()
            if (beating or 0) >= count:
                return
        time.sleep(0.1)
    raise SystemExit("the workers did not start")


def _release(engine: Engine, *, backlog: int) -> datetime:
    """Make the first ``backlog`` orders' ticketing jobs due at once (the rest deleted)."""
    start = datetime.now(UTC) + timedelta(seconds=0.2)
    with engine.begin() as db:
        ids = db.execute(select(jobs.c.id).where(jobs.c.kind == TICKETING).order_by(jobs.c.id))
        kept = [job_id for (job_id,) in ids][:backlog]
        db.execute(jobs.delete().where(jobs.c.kind == TICKETING, jobs.c.id.not_in(kept)))
        db.execute(update(jobs).values(run_after=start))
    return start


def _produce(url: str, engine: Engine, rate: float) -> tuple[datetime, threading.Thread]:
    """Delete the seeded ticketing jobs, then queue them again as bookings would: one
    order's every 1/rate s (``enqueue_ticketing``, on a thread of this process), so
    they arrive among the follow-up jobs of the orders ticketed before them."""
    with engine.begin() as db:
        payloads = db.execute(
            select(jobs.c.payload).where(jobs.c.kind == TICKETING).order_by(jobs.c.id)
        ).scalars()
        order_ids = [payload["order_id"] for payload in payloads]
        db.execute(jobs.delete().where(jobs.c.kind == TICKETING))
        db.execute(update(jobs).values(run_after=datetime.now(UTC)))
    services = build(Settings(database_url=url), engine=engine)
    start = datetime.now(UTC)
    began = time.monotonic()

    def produce() -> None:
        for n, order_id in enumerate(order_ids):
            time.sleep(max(0.0, began + n / rate - time.monotonic()))
            with services.uow() as uow:
                enqueue_ticketing(uow, services, order_id)
                uow.commit()

    producer = threading.Thread(target=produce, name="bookings")
    producer.start()
    return start, producer


def _wait_until_drained(engine: Engine, *, tickets_only: bool) -> None:
    deadline = time.monotonic() + RUN_LIMIT_SECONDS
    waiting = select(func.count()).where(jobs.c.status.in_(("queued", "running")))
    if tickets_only:
        waiting = waiting.where(jobs.c.kind == TICKETING)
    while time.monotonic() < deadline:
        time.sleep(0.1)
        with engine.connect() as db:
            if db.execute(waiting).scalar() == 0:
                return
    print(f"  (not drained within {RUN_LIMIT_SECONDS:.0f} s)", file=sys.stderr)


def _seconds(value: datetime | None, since: datetime) -> float:
    if value is None:
        return float("nan")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - since).total_seconds()


def one_run(
    databases: Databases, processes: int, threads: int, *, rate: float | None
) -> dict[str, float]:
    url = databases.fresh_run()
    engine = make_engine(url)
    try:
        with engine.begin() as db:
            db.execute(worker_heartbeats.delete())
        with workers(url, processes, threads):
            _wait_for_heartbeats(engine, processes)
            if rate is None:
                start = _release(engine, backlog=BACKLOG)
            else:
                start, producer = _produce(url, engine, rate)
                producer.join()
            _wait_until_drained(engine, tickets_only=rate is not None)
        with engine.connect() as db:
            done = db.execute(
                select(jobs.c.kind, jobs.c.run_after, jobs.c.finished_at).where(
                    jobs.c.status == "done"
                )
            ).all()
    finally:
        engine.dispose()
    tickets = [row for row in done if row.kind == TICKETING]
    last_ticket = max((_seconds(row.finished_at, start) for row in tickets), default=float("nan"))
    last_job = max((_seconds(row.finished_at, start) for row in done), default=float("nan"))
    lags = [_seconds(row.finished_at, start) - _seconds(row.run_after, start) for row in tickets]
    return {
        "tickets": len(tickets),
        "tickets_done_s": last_ticket,
        "all_done_s": last_job,
        "tickets_per_s": len(tickets) / last_ticket if last_ticket > 0 else float("nan"),
        "lag_p50_s": percentile(lags, 0.5) if lags else float("nan"),
        "lag_p95_s": percentile(lags, 0.95) if lags else float("nan"),
    }


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def drain_figures(databases: Databases, configurations: list[tuple[int, int]]) -> None:
    print(f"\nbacklog: {BACKLOG} paid orders' jobs due at once (medians of {REPEATS})")
    print(f"{'processes x threads':<22}{'tickets/s':>10}{'tickets done':>14}{'all done':>10}")
    for processes, threads in configurations:
        runs = [one_run(databases, processes, threads, rate=None) for _ in range(REPEATS)]
        print(
            f"{f'{processes} x {threads}':<22}{median_of(runs, 'tickets_per_s'):>10.1f}"
            f"{median_of(runs, 'tickets_done_s'):>12.1f} s{median_of(runs, 'all_done_s'):>8.1f} s"
        )
    print(
        f"\nsustained: {ORDERS} orders' ticketing queued at {RATE:g} a second among the "
        f"follow-up jobs (medians of {REPEATS})"
    )
    print(f"{'processes x threads':<22}{'lag p50':>10}{'lag p95':>10}{'tickets done':>14}")
    for processes, threads in configurations:
        runs = [one_run(databases, processes, threads, rate=RATE) for _ in range(REPEATS)]
        print(
            f"{f'{processes} x {threads}':<22}{median_of(runs, 'lag_p50_s'):>8.2f} s"
            f"{median_of(runs, 'lag_p95_s'):>8.2f} s{median_of(runs, 'tickets_done_s'):>12.1f} s"
        )


# --- the claim with many done rows -------------------------------------------------


def claim_figures(databases: Databases) -> None:
    url = databases.fresh_run()
    engine = make_engine(url)
    now = datetime.now(UTC)
    try:
        with engine.begin() as db:
            db.execute(jobs.delete())
            for first in range(0, DONE_ROWS, 10_000):
                rows = [
                    {
                        "kind": "send_email", "payload": {"n": n}, "status": "queued",
                        "run_after": now, "created_at": now, "attempts": 0,
                    }
                    for n in range(first, min(first + 10_000, DONE_ROWS))
                ]  # fmt: skip
                db.execute(insert(jobs), rows)
        for first in range(0, DONE_ROWS, 10_000):  # as workers finish them: one by one
            with engine.begin() as db:
                db.execute(
                    update(jobs)
                    .where(jobs.c.id > first, jobs.c.id <= first + 10_000)
                    .values(status="done", finished_at=now)
                )
        with engine.begin() as db:
            repository = JobRepository(db)
            for n in range(50):
                repository.enqueue(TICKETING, {"order_id": f"ord_{n}"}, now=now)
        samples = []
        for _ in range(200):
            with engine.connect() as db, db.begin() as transaction:
                started = time.perf_counter()
                job = JobRepository(db).claim_next(
                    now=datetime.now(UTC), lease=timedelta(seconds=60)
                )
                samples.append((time.perf_counter() - started) * 1000)
                assert job is not None
                transaction.rollback()
    finally:
        engine.dispose()
    print(
        f"\nclaim with {DONE_ROWS:,} done rows and 50 due: median "
        f"{statistics.median(samples):.3f} ms, p95 {percentile(samples, 0.95):.3f} ms"
    )


def main(url: str | None) -> None:
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory() as folder:
        databases = Databases(url, Path(folder))
        seed(databases.seed_url, ORDERS)
        print(f"database: {'PostgreSQL' if databases.postgres else 'SQLite'}")
        claim_figures(databases)
        configurations = (
            [(1, 1), (1, 4), (2, 1), (2, 4)] if databases.postgres else [(1, 1), (1, 4)]
        )
        chosen = os.environ.get("BENCH_CONFIGURATIONS")  # e.g. "1x1,2x4"
        if chosen:
            configurations = [
                (int(p), int(t)) for p, t in (item.split("x") for item in chosen.split(","))
            ]
        drain_figures(databases, configurations)


if __name__ == "__main__":
    given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FAREBRIDGE_BENCH_DATABASE_URL")
    main(given)
