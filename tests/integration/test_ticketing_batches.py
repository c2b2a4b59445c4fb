"""Paid orders ticketed together (ADR 0052), on SQLite and on PostgreSQL: one write
starts them all and one records every order's tickets; each order keeps its own
outcome; workers that batch still ticket every order exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from farebridge.domain.account import User
from farebridge.domain.errors import TicketDocumentsDelayed, UpstreamUnavailable
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderStatus, TicketingStatus
from farebridge.jobs import worker as worker_module
from farebridge.jobs.worker import Worker
from farebridge.services.jobs import JobKind, claim_jobs, run_claimed_batch
from farebridge.services.ports import Dependencies
from farebridge.services.ticketing import issue_tickets_many
from farebridge.store.tables import jobs, order_events
from tests.integration.conftest import create_user, find_offers, place_order

WAIT_SECONDS = 60  # a bound on waiting for what must happen, never a timing claim


def _paid(
    services: Dependencies, user: User, count: int, *, fault: str | None = None, days: int = 30
) -> list[Order]:
    """``count`` instant orders (one adult each) on distinct flights, not yet ticketed."""
    offers: dict[str, Offer] = {}  # one per itinerary: twice on one flight is a duplicate
    for day in range(days, days + 6):
        for offer in find_offers(services, user=user, days=day):
            offers.setdefault(offer.itinerary_id, offer)
    placed = [
        place_order(services, user=user, offer=offer, instant=True, fault=fault)
        for offer in list(offers.values())[:count]
    ]
    assert len(placed) == count, "not enough offers to book"
    return placed


def _order(services: Dependencies, order_id: str) -> Order:
    with services.uow(read_only=True) as uow:
        order = uow.orders.get(order_id)
    assert order is not None
    return order


@contextmanager
def _writes_to_our_tables(engine: Engine) -> Iterator[list[str]]:
    """The transactions committed on ``engine`` that wrote to a table of ours (not the
    sandbox airline's): the tables each wrote, one entry per commit."""
    written: dict[int, set[str]] = {}
    commits: list[str] = []

    def statement(connection: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        words = sql.split()
        verb = words[0].upper()
        table = {"INSERT": 2, "UPDATE": 1, "DELETE": 2}.get(verb)
        if table is not None and len(words) > table and not words[table].startswith("sandbox_"):
            written.setdefault(id(connection.connection), set()).add(words[table])

    def commit(connection: Any) -> None:
        tables = written.pop(id(connection.connection), None)
        if tables:
            commits.append(",".join(sorted(tables)))

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield commits
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def test_a_batch_tickets_every_order_in_two_writes_of_ours(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    orders = _paid(services, user, 5)
    with _writes_to_our_tables(engine) as commits:
        outcomes = issue_tickets_many(services, [{"order_id": o.id} for o in orders])
    assert outcomes == [None] * 5
    assert len(commits) == 2, commits  # every order started, then every order ticketed
    for placed in orders:
        ticketed = _order(services, placed.id)
        assert ticketed.status is OrderStatus.TICKETED
        assert ticketed.ticketing_status is TicketingStatus.SUCCESSFUL
        assert len(ticketed.documents) == 1
        with services.uow(read_only=True) as uow:
            events = [e.type for e in uow.orders.events(placed.id)]
        assert events == ["order.created", "order.ticketing_started", "order.ticketed"]
    # and again: nothing more to do, nothing written
    with _writes_to_our_tables(engine) as commits:
        assert issue_tickets_many(services, [{"order_id": o.id} for o in orders]) == [None] * 5
    assert commits == [], "a batch of ticketed orders wrote"


def test_each_order_of_a_batch_keeps_its_own_outcome(services: Dependencies) -> None:
    user = create_user(services)
    [fine, other] = _paid(services, user, 2)
    [unknown] = _paid(services, user, 1, fault="ticketing_unknown", days=40)
    [delayed] = _paid(services, user, 1, fault="eticket_delayed", days=45)
    payloads = [
        {"order_id": fine.id},
        {"order_id": unknown.id},
        {"order_id": "ord_nobody"},
        {"order_id": delayed.id},
        {"order_id": other.id},
    ]
    outcomes = issue_tickets_many(services, payloads)
    assert outcomes[:3] == [None, None, None]
    assert isinstance(outcomes[3], TicketDocumentsDelayed), outcomes
    assert outcomes[4] is None
    assert _order(services, fine.id).status is OrderStatus.TICKETED
    assert _order(services, other.id).status is OrderStatus.TICKETED
    assert _order(services, unknown.id).ticketing_status is TicketingStatus.UNKNOWN
    still = _order(services, delayed.id)
    assert (still.status, still.ticketing_status) == (
        OrderStatus.TICKETING,
        TicketingStatus.PENDING,
    )


def test_a_batch_whose_record_fails_leaves_every_order_to_run_again(
    services: Dependencies, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write of the tickets fails: the batch raises (the worker then runs each job
    alone), every order stays ``ticketing``, and the re-run records the tickets the
    airline issued the first time."""
    from farebridge.services import ticketing

    user = create_user(services)
    orders = _paid(services, user, 3)
    real_record = ticketing._record

    def failing(*_args: Any, **_kwargs: Any) -> None:
        raise UpstreamUnavailable("the database blinked")

    monkeypatch.setattr(ticketing, "_record", failing)
    with pytest.raises(UpstreamUnavailable):
        issue_tickets_many(services, [{"order_id": o.id} for o in orders])
    assert {_order(services, o.id).status for o in orders} == {OrderStatus.TICKETING}
    monkeypatch.setattr(ticketing, "_record", real_record)
    airline = services.providers.get("sandbox")
    now = services.clock.now()
    first = {
        o.id: [t.number for t in airline.issue_tickets(o.booking_reference, o.passengers, now=now)]
        for o in orders
    }
    assert issue_tickets_many(services, [{"order_id": o.id} for o in orders]) == [None] * 3
    for placed in orders:
        ticketed = _order(services, placed.id)
        assert ticketed.status is OrderStatus.TICKETED
        assert [d.unique_identifier for d in ticketed.documents] == first[placed.id]


def _queued_tickets(services: Dependencies, payloads: list[dict[str, Any]]) -> list[Any]:
    with services.uow() as uow:
        for payload in payloads:
            uow.jobs.enqueue(JobKind.TICKETING.value, payload, now=services.clock.now())
        uow.commit()
    claimed = claim_jobs(services, 1, batches={JobKind.TICKETING.value: 10})
    assert len(claimed) == len(payloads), "the batch is one thread's work"
    return claimed


def _job_rows(engine: Engine) -> list[Any]:
    with engine.connect() as db:
        query = select(jobs.c.id, jobs.c.kind, jobs.c.status, jobs.c.attempts, jobs.c.last_error)
        return list(db.execute(query.order_by(jobs.c.id)).all())


def test_a_batch_handler_that_raises_runs_each_job_alone(
    services: Dependencies, engine: Engine
) -> None:
    """No job to blame for a batch that raised as a whole: each runs alone with the
    single handler, so only the one that fails alone is retried."""
    ran: list[int] = []

    def single(_deps: Dependencies, payload: dict[str, Any]) -> None:
        ran.append(payload["n"])
        if payload["n"] == 1:
            raise UpstreamUnavailable("this one")

    def broken(_deps: Dependencies, _payloads: Any) -> list[Exception | None]:
        raise KeyError("order_id")  # one payload without an order id

    handlers = {**services.job_handlers, JobKind.TICKETING.value: single}
    alone = replace(services, job_handlers=handlers)
    claimed = _queued_tickets(alone, [{"n": n} for n in range(3)])
    done = run_claimed_batch(alone, claimed, broken)
    assert sorted(ran) == [0, 1, 2]
    assert done == [claimed[0].id, claimed[2].id]
    rows = _job_rows(engine)
    assert [(r.status, r.attempts) for r in rows] == [("running", 1), ("queued", 1), ("running", 1)]
    assert "this one" in (rows[1].last_error or "")


def test_orders_a_batch_had_no_time_for_are_given_back(
    services: Dependencies, engine: Engine
) -> None:
    """Past half the lease, the batch asks the airline for no more orders: their jobs
    are queued again with their attempt not counted, and the next run tickets them."""
    user = create_user(services)
    orders = _paid(services, user, 2)  # each queued its ticketing job
    claimed = claim_jobs(services, 1, batches={JobKind.TICKETING.value: 10})
    assert sorted(j.payload["order_id"] for j in claimed) == sorted(o.id for o in orders)
    no_time = replace(services, policies=replace(services.policies, job_lease=timedelta(0)))
    assert run_claimed_batch(no_time, claimed, issue_tickets_many) == []
    tickets = [r for r in _job_rows(engine) if r.kind == JobKind.TICKETING.value]
    assert [(r.status, r.attempts) for r in tickets] == [("queued", 0)] * 2
    assert {_order(services, o.id).status for o in orders} == {OrderStatus.TICKETING}
    again = claim_jobs(services, 1, batches={JobKind.TICKETING.value: 10})
    assert run_claimed_batch(services, again, issue_tickets_many) == [j.id for j in again]
    assert {_order(services, o.id).status for o in orders} == {OrderStatus.TICKETED}


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_that_batch_ticket_every_order_exactly_once(
    services: Dependencies, engine: Engine, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of four on two threads per worker (two workers on PostgreSQL, one on
    SQLite as in production): every order ticketed once, every job done."""
    if workers > 1 and engine.dialect.name == "sqlite":
        pytest.skip("SQLite keeps one worker process (ADR 0029)")
    user = create_user(services)
    orders = _paid(services, user, 12)
    sizes: list[int] = []

    def counted(deps: Dependencies, claimed: Any, handle: Any) -> list[int]:
        sizes.append(len(claimed))
        return run_claimed_batch(deps, claimed, handle)

    monkeypatch.setattr(worker_module, "run_claimed_batch", counted)
    airline = services.providers.get("sandbox")
    asked: Counter[str] = Counter()
    real_issue = airline.issue_tickets

    def issue(reference: str, *args: Any, **kwargs: Any) -> Any:
        asked[reference] += 1
        return real_issue(reference, *args, **kwargs)

    monkeypatch.setattr(airline, "issue_tickets", issue)
    running = [Worker(services, poll_seconds=0.02, threads=2, batch_size=4) for _ in range(workers)]
    loops = [threading.Thread(target=w.run_forever, daemon=True) for w in running]
    for loop in loops:
        loop.start()
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while {_order(services, o.id).status for o in orders} != {OrderStatus.TICKETED}:
            assert time.monotonic() < deadline, "never ticketed every order"
            time.sleep(0.05)
    finally:
        for worker in running:
            worker.stop()
        for loop in loops:
            loop.join(WAIT_SECONDS)
    with engine.connect() as db:
        ticketed = Counter(
            db.execute(
                select(order_events.c.order_id).where(order_events.c.type == "order.ticketed")
            ).scalars()
        )
        left = db.execute(
            select(func.count())
            .select_from(jobs)
            .where(jobs.c.kind == JobKind.TICKETING.value, jobs.c.status != "done")
        ).scalar()
    assert ticketed == Counter({o.id: 1 for o in orders})
    assert asked == Counter({o.booking_reference: 1 for o in orders}), "an order asked twice"
    assert left == 0
    assert sizes and max(sizes) <= 4, sizes  # batches ran, none above the size asked
    for placed in orders:
        assert len(_order(services, placed.id).documents) == 1


def test_a_claim_with_no_idle_thread_only_marks_jobs_done(
    services: Dependencies, engine: Engine
) -> None:
    """A stopping worker (no idle thread) still marks its finished jobs done, and claims
    no batch."""
    with services.uow() as uow:
        for n in range(3):
            uow.jobs.enqueue(JobKind.TICKETING.value, {"n": n}, now=services.clock.now())
        uow.commit()
    [first] = claim_jobs(services, 1)
    assert claim_jobs(services, 0, finished=[first.id], batches={JobKind.TICKETING.value: 8}) == []
    assert [r.status for r in _job_rows(engine)] == ["done", "queued", "queued"]
