"""Hold expiry, durable jobs (leases, retries, idempotency) and ticketing re-runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from farebridge.bootstrap import build
from farebridge.domain.clock import ManualClock
from farebridge.domain.errors import InvalidState, UpstreamUnavailable
from farebridge.domain.order import OrderStatus
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.jobs.worker import Worker
from farebridge.services import payments
from farebridge.services.expiry import expire_holds
from farebridge.services.jobs import JobKind, UnknownJobKind, check_handler_table, run_next_job
from farebridge.services.ports import Dependencies
from farebridge.services.ticketing import issue_tickets
from farebridge.settings import Settings
from farebridge.store.tables import jobs, sandbox_inventory
from tests.integration.conftest import create_user, find_offers, place_order


def _seats(engine: Engine, flight: str) -> int:
    with engine.connect() as db:
        return int(
            db.execute(
                select(sandbox_inventory.c.available).where(sandbox_inventory.c.flight == flight)
            ).scalar_one()
        )


def test_unpaid_hold_expires_and_releases_its_seats(engine: Engine) -> None:
    clock = ManualClock(datetime.now(UTC))
    services = build(Settings(database_url="sqlite://"), engine=engine, clock=clock)
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    order = place_order(services, user=user, offer=offer, instant=False)
    flight = offer.provider_reference["legs"][0]["flight"]
    held = _seats(engine, flight)
    assert order.payment_required_by is not None
    assert expire_holds(services) == 0, "nothing is due before the deadline"
    clock.advance(order.payment_required_by - clock.now() + timedelta(seconds=1))
    with pytest.raises(InvalidState, match="expired"):
        payments.pay_order(
            services,
            user=user,
            order_id=order.id,
            amount=order.total,
            method=PaymentMethod(PaymentType.BALANCE),
        )
    assert expire_holds(services) == 1
    assert expire_holds(services) == 0, "expiring is a compare-and-set: once"
    Worker(services).drain()
    assert _seats(engine, flight) == held + 1
    with services.uow(read_only=True) as uow:
        expired = uow.orders.get(order.id)
        events = [e.type for e in uow.orders.events(order.id)]
    assert expired is not None and expired.status is OrderStatus.EXPIRED
    assert events == ["order.created", "order.expired"]


def test_ticketing_twice_issues_the_same_tickets_once(services: Dependencies) -> None:
    user = create_user(services)
    offer = find_offers(services, user=user)[0]
    order = place_order(services, user=user, offer=offer, instant=True)
    issue_tickets(services, {"order_id": order.id})
    issue_tickets(services, {"order_id": order.id})
    with services.uow(read_only=True) as uow:
        ticketed = uow.orders.get(order.id)
        events = [e.type for e in uow.orders.events(order.id)]
    assert ticketed is not None and ticketed.status is OrderStatus.TICKETED
    assert len(ticketed.documents) == 1
    assert ticketed.documents[0].unique_identifier.startswith(offer.owner.ticket_prefix + "-")
    assert events == ["order.created", "order.ticketing_started", "order.ticketed"]


def test_a_job_interrupted_mid_ticketing_finishes_on_rerun(services: Dependencies) -> None:
    """A worker died after ticketing started: the re-run completes without a duplicate."""
    user = create_user(services)
    offer = find_offers(services, user=user)[0]
    order = place_order(services, user=user, offer=offer, instant=True)
    services.providers.get("sandbox").issue_tickets(
        order.booking_reference, order.passengers, now=services.clock.now()
    )  # the airline already ticketed
    issue_tickets(services, {"order_id": order.id})
    with services.uow(read_only=True) as uow:
        ticketed = uow.orders.get(order.id)
    assert ticketed is not None and len(ticketed.documents) == 1


_calls: list[str] = []


def _flaky(deps: Dependencies, payload: dict[str, Any]) -> None:
    _calls.append(payload["key"])
    if len(_calls) == 1:
        raise UpstreamUnavailable("try again")


def test_jobs_retry_with_backoff_then_finish(services: Dependencies, engine: Engine) -> None:
    _calls.clear()
    services = replace(services, job_handlers={**services.job_handlers, "test_flaky": _flaky})
    with services.uow() as uow:
        uow.jobs.enqueue("test_flaky", {"key": "a"}, now=services.clock.now(), dedupe_key="k1")
        uow.jobs.enqueue("test_flaky", {"key": "a"}, now=services.clock.now(), dedupe_key="k1")
        uow.commit()
    assert run_next_job(services, kind="test_flaky")
    assert not run_next_job(services, kind="test_flaky"), "backing off: not due yet"
    with engine.begin() as db:
        db.execute(update(jobs).values(run_after=datetime.now(UTC) - timedelta(seconds=1)))
    assert run_next_job(services, kind="test_flaky")
    with engine.connect() as db:
        rows = db.execute(select(jobs.c.status, jobs.c.attempts)).all()
    assert [(r.status, r.attempts) for r in rows] == [("done", 2)], "deduplicated, retried once"
    assert _calls == ["a", "a"]


def test_an_expired_lease_is_claimed_again(services: Dependencies, engine: Engine) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        uow.jobs.enqueue("test_lease", {}, now=now)
        first = uow.jobs.claim_next(now=now, lease=timedelta(seconds=60), kind="test_lease")
        assert first is not None
        assert uow.jobs.claim_next(now=now, lease=timedelta(seconds=60), kind="test_lease") is None
        later = now + timedelta(seconds=61)
        again = uow.jobs.claim_next(now=later, lease=timedelta(seconds=60), kind="test_lease")
        uow.commit()
    assert again is not None and again.id == first.id and again.attempts == 2


def test_cancel_releases_seats_even_when_the_airline_is_down_at_first(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    order = place_order(services, user=user, offer=offer, instant=False)
    flight = offer.provider_reference["legs"][0]["flight"]
    held = _seats(engine, flight)
    sandbox = services.providers.get("sandbox")
    real_cancel = sandbox.cancel_booking
    failing = {"left": 1}

    def flaky_cancel(reference: str, *, now: datetime) -> None:
        if failing["left"]:
            failing["left"] -= 1
            raise UpstreamUnavailable("airline down")
        real_cancel(reference, now=now)

    object.__setattr__(sandbox, "cancel_booking", flaky_cancel)
    from farebridge.services import cancellation

    quote = cancellation.quote_cancellation(services, user=user, order_id=order.id, reason="other")
    cancelled, _ = cancellation.confirm_cancellation(
        services, user=user, order_id=order.id, quote_id=quote.id
    )
    assert cancelled.status is OrderStatus.CANCELLED
    assert _seats(engine, flight) == held, "the first release attempt failed"
    with engine.begin() as db:
        db.execute(update(jobs).values(run_after=datetime.now(UTC) - timedelta(seconds=1)))
    Worker(services).drain()
    assert _seats(engine, flight) == held + 1


def test_dates_are_checked_against_the_clock(engine: Engine) -> None:
    clock = ManualClock(datetime(2031, 5, 1, tzinfo=UTC))
    services = build(Settings(database_url="sqlite://"), engine=engine, clock=clock)
    from farebridge.domain.errors import ValidationFailed
    from farebridge.domain.search import (
        OfferPassenger,
        PassengerType,
        SearchCriteria,
        SliceRequest,
    )
    from farebridge.services.search import create_offer_request

    criteria = SearchCriteria(
        (SliceRequest("JFK", "LHR", date(2031, 4, 30)),),
        (OfferPassenger("pas_1", PassengerType.ADULT),),
    )
    with pytest.raises(ValidationFailed) as caught:
        create_offer_request(services, user=None, criteria=criteria)
    assert caught.value.field == "slices[0].departure_date" and caught.value.code == "past_date"


def test_the_handler_table_covers_every_job_kind(services: Dependencies) -> None:
    check_handler_table(services.job_handlers)
    assert set(services.job_handlers) == {kind.value for kind in JobKind}
    incomplete = {k: v for k, v in services.job_handlers.items() if k != JobKind.REFUND}
    with pytest.raises(UnknownJobKind, match="refund_payment"):
        check_handler_table(incomplete)


def test_a_worker_refuses_to_start_with_an_unknown_job_queued(services: Dependencies) -> None:
    with services.uow() as uow:
        uow.jobs.enqueue("from_an_older_version", {}, now=services.clock.now())
        uow.commit()
    with pytest.raises(UnknownJobKind, match="from_an_older_version"):
        Worker(services)


def test_a_finished_job_asked_for_again_runs_again(services: Dependencies, engine: Engine) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        uow.jobs.enqueue("test_rearm", {"n": 1}, now=now, dedupe_key="rearm")
        job = uow.jobs.claim_next(now=now, lease=timedelta(seconds=60), kind="test_rearm")
        assert job is not None
        uow.jobs.enqueue("test_rearm", {"n": 2}, now=now, dedupe_key="rearm")  # running: no-op
        uow.jobs.finish(job.id, now=now)
        uow.jobs.enqueue("test_rearm", {"n": 3}, now=now, dedupe_key="rearm")  # done: again
        uow.commit()
    with engine.connect() as db:
        rows = db.execute(select(jobs.c.status, jobs.c.payload, jobs.c.attempts)).all()
    assert [(r.status, r.payload, r.attempts) for r in rows] == [("queued", {"n": 3}, 0)]


def test_compensation_jobs_never_give_up_on_an_outage(
    services: Dependencies, engine: Engine
) -> None:
    def down(_deps: Dependencies, _payload: dict[str, Any]) -> None:
        raise UpstreamUnavailable("airline down")

    services = replace(services, job_handlers={**services.job_handlers, JobKind.RELEASE: down})
    with services.uow() as uow:
        uow.jobs.enqueue(JobKind.RELEASE.value, {"order_id": "ord_x"}, now=services.clock.now())
        uow.commit()
    for _ in range(services.policies.job_max_attempts + 2):
        with engine.begin() as db:
            db.execute(update(jobs).values(run_after=datetime.now(UTC) - timedelta(seconds=1)))
        assert run_next_job(services, kind=JobKind.RELEASE.value)
    with engine.connect() as db:
        status, attempts = db.execute(select(jobs.c.status, jobs.c.attempts)).one()
    assert (status, attempts) == ("queued", services.policies.job_max_attempts + 2)
