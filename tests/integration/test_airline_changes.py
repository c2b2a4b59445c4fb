"""Airline-initiated changes and the cancellation cut-off through the services, on
SQLite and on PostgreSQL (ADR 0020): each schedule change is answered once, however
many answers race; two syncs at once record a change once; the cut-off is checked
again when a quote is confirmed."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func, select

from farebridge.bootstrap import build
from farebridge.domain.account import User
from farebridge.domain.changes import OrderChangeStatus, SliceSpec
from farebridge.domain.clock import ManualClock
from farebridge.domain.documents import DocumentKind
from farebridge.domain.errors import CancellationWindowClosed, FarebridgeError
from farebridge.domain.order import Order, OrderStatus
from farebridge.domain.schedule_changes import ScheduleChangeStatus
from farebridge.jobs.worker import Worker
from farebridge.services import cancellation, changes, documents, schedule_changes, sync
from farebridge.services.orders import get_order
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.tables import order_events, sandbox_bookings
from farebridge.store.tables import schedule_changes as schedule_changes_table
from tests.integration.conftest import (
    create_user,
    find_offers,
    offer_of_an_airline_flying_later,
    place_order,
)

RACERS = 8


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except FarebridgeError as exc:
        return exc.code
    return "ok"


def ticketed(
    services: Dependencies,
    user: User,
    *,
    fault: str | None,
    brand: str = "Basic",
    days: int = 30,
    drain: bool = True,
) -> Order:
    """An instant order; ticketed (and synced by the worker) when ``drain``, with an
    airline that flies the route again that day (to rebook a disrupted flight)."""
    offers = find_offers(services, user=user, days=days)
    offer = offer_of_an_airline_flying_later(
        services, user=user, offers=offers, brand=brand, later=days + 2
    )
    order = place_order(services, user=user, offer=offer, instant=True, fault=fault)
    if not drain:
        return order
    Worker(services).drain()
    order = get_order(services, user=user, order_id=order.id)
    assert order.status is OrderStatus.TICKETED
    return order


def test_two_syncs_at_once_record_one_change_and_retime_once(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    order = ticketed(services, user, fault="schedule_change", drain=False)
    before = order.slices[0].segments[0].departing_at
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = Counter(
            pool.map(
                lambda _: _outcome(
                    lambda: sync.sync_order_now(services, user=user, order_id=order.id)
                ),
                range(RACERS),
            )
        )
    assert outcomes == {"ok": RACERS}
    with engine.connect() as db:
        rows = db.execute(select(func.count()).select_from(schedule_changes_table)).scalar()
        events = db.execute(
            select(func.count())
            .select_from(order_events)
            .where(order_events.c.type == "order.schedule_changed")
        ).scalar()
    assert (rows, events) == (1, 1)
    now = get_order(services, user=user, order_id=order.id)
    assert now.slices[0].segments[0].departing_at - before == timedelta(minutes=55)


def test_accepting_at_once_many_times_accepts_once(services: Dependencies) -> None:
    user = create_user(services)
    order = ticketed(services, user, fault="schedule_change")
    [change] = get_order(services, user=user, order_id=order.id).schedule_changes

    def accept(_: int) -> str:
        return _outcome(
            lambda: schedule_changes.accept_schedule_change(
                services, user=user, order_id=order.id, change_id=change.id
            )
        )

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = Counter(pool.map(accept, range(RACERS)))
    assert outcomes == {"ok": 1, "schedule_change_resolved": RACERS - 1}
    [stored] = schedule_changes.list_schedule_changes(services, user=user, order_id=order.id)
    assert stored.status is ScheduleChangeStatus.ACCEPTED


def test_accept_racing_an_involuntary_cancellation_one_wins(services: Dependencies) -> None:
    user = create_user(services)
    order = ticketed(services, user, fault="schedule_change")
    [change] = get_order(services, user=user, order_id=order.id).schedule_changes
    quote = cancellation.quote_cancellation(
        services, user=user, order_id=order.id, reason="schedule_change"
    )
    assert quote.refund == order.charged_total and quote.penalty.amount == 0

    def act(index: int) -> str:
        if index % 2:
            return _outcome(
                lambda: schedule_changes.accept_schedule_change(
                    services, user=user, order_id=order.id, change_id=change.id
                )
            )
        return _outcome(
            lambda: cancellation.confirm_cancellation(
                services, user=user, order_id=order.id, quote_id=quote.id
            )
        )

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = Counter(pool.map(act, range(RACERS)))
    assert outcomes["ok"] == 1, outcomes
    assert set(outcomes) <= {"ok", "schedule_change_resolved", "already_cancelled"}
    [stored] = schedule_changes.list_schedule_changes(services, user=user, order_id=order.id)
    final = get_order(services, user=user, order_id=order.id)
    if stored.status is ScheduleChangeStatus.CANCELLED:
        assert final.status is OrderStatus.CANCELLED
    else:
        assert stored.status is ScheduleChangeStatus.ACCEPTED
        assert final.status is OrderStatus.TICKETED, "accepted: the order was not cancelled"


def test_the_chance_of_a_schedule_change_is_a_setting(engine: Engine) -> None:
    never = build(Settings(database_url="sqlite://"), engine=engine)
    always = build(
        Settings(database_url="sqlite://", sandbox_schedule_change_rate=1.0), engine=engine
    )
    user = create_user(never)
    order = ticketed(never, user, fault=None, drain=False)
    assert sync.sync_order_now(never, user=user, order_id=order.id).schedule_changes == ()
    [change] = sync.sync_order_now(always, user=user, order_id=order.id).schedule_changes
    assert change.kind.value in {"retimed", "flight_cancelled"}
    again = sync.sync_order_now(always, user=user, order_id=order.id)
    assert [c.id for c in again.schedule_changes] == [change.id], "drawn once per booking"


def test_a_quote_confirmed_after_the_cut_off_is_refused(engine: Engine) -> None:
    clock = ManualClock(datetime.now(UTC))
    settings = Settings(
        database_url="sqlite://",
        cancellation_cutoff=timedelta(hours=3),
        offer_lifetime=timedelta(days=5),
    )
    services = build(settings, engine=engine, clock=clock)
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user, days=3) if o.fare_brand_name == "Flex")
    departs = offer.slices[0].departing_at
    clock.advance(departs - timedelta(hours=3, minutes=5) - clock.now())
    order = place_order(services, user=user, offer=offer, instant=True)
    Worker(services).drain()
    quote = cancellation.quote_cancellation(
        services, user=user, order_id=order.id, reason="requested_by_customer"
    )
    clock.advance(timedelta(minutes=10))  # the quote is still valid; the window is not
    with pytest.raises(CancellationWindowClosed):
        cancellation.confirm_cancellation(services, user=user, order_id=order.id, quote_id=quote.id)
    assert get_order(services, user=user, order_id=order.id).status is OrderStatus.TICKETED


def test_a_free_rebooking_racing_an_accept_one_wins(services: Dependencies, engine: Engine) -> None:
    user = create_user(services)
    order = ticketed(services, user, fault="schedule_change")
    [disruption] = order.schedule_changes
    first = order.slices[0]
    request = changes.request_change(
        services,
        user=user,
        order_id=order.id,
        remove_slice_ids=[first.id],
        add=[
            SliceSpec(
                first.origin.iata_code, first.destination.iata_code, first.departing_at.date()
            )
        ],
        schedule_change_id=disruption.id,
    )
    assert request.offer_ids, "the airline flies the route again that day"
    offer = changes.get_change_offer(services, user=user, change_offer_id=request.offer_ids[0])
    assert offer.penalty.amount == 0 and offer.change_total.amount == 0
    change = changes.create_change(services, user=user, change_offer_id=offer.id)

    def act(index: int) -> str:
        if index == 0:
            return _outcome(
                lambda: changes.confirm_change(
                    services, user=user, change_id=change.id, payment=None
                )
            )
        return _outcome(
            lambda: schedule_changes.accept_schedule_change(
                services, user=user, order_id=order.id, change_id=disruption.id
            )
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(act, range(2)))
    assert outcomes == ["ok", "schedule_change_resolved"], outcomes
    Worker(services).drain()
    [stored] = schedule_changes.list_schedule_changes(services, user=user, order_id=order.id)
    final = get_order(services, user=user, order_id=order.id)
    confirmed = changes.get_change(services, user=user, change_id=change.id)
    if stored.status is ScheduleChangeStatus.REBOOKED:
        assert confirmed.status is OrderChangeStatus.CONFIRMED
        assert final.booking_reference == confirmed.new_booking_reference
    else:
        assert stored.status is ScheduleChangeStatus.ACCEPTED
        assert confirmed.status in (OrderChangeStatus.PENDING, OrderChangeStatus.FAILED)
        assert final.booking_reference == order.booking_reference, "the trip was not changed"
    with engine.connect() as db:
        active = db.execute(
            select(func.count())
            .select_from(sandbox_bookings)
            .where(sandbox_bookings.c.status != "cancelled")
        ).scalar()
    assert active == 1, "only the order's current booking holds seats"


def test_an_accept_between_booking_and_confirming_a_rebooking_fails_the_rebooking(
    engine: Engine,
) -> None:
    """The accept lands after the free change booked its flights and before it commits:
    the change fails (409), its booking is released, the order keeps its trip."""
    hooks: dict[str, Callable[[], object]] = {}

    def checkpoint(step: str) -> None:
        hook = hooks.pop(step, None)
        if hook is not None:
            hook()

    services = build(Settings(database_url="sqlite://"), engine=engine, checkpoint=checkpoint)
    user = create_user(services)
    order = ticketed(services, user, fault="schedule_change")
    [disruption] = order.schedule_changes
    first = order.slices[0]
    request = changes.request_change(
        services,
        user=user,
        order_id=order.id,
        remove_slice_ids=[first.id],
        add=[
            SliceSpec(
                first.origin.iata_code, first.destination.iata_code, first.departing_at.date()
            )
        ],
        schedule_change_id=disruption.id,
    )
    change = changes.create_change(services, user=user, change_offer_id=request.offer_ids[0])
    hooks["change.booked"] = lambda: schedule_changes.accept_schedule_change(
        services, user=user, order_id=order.id, change_id=disruption.id
    )
    with pytest.raises(FarebridgeError) as raised:
        changes.confirm_change(services, user=user, change_id=change.id, payment=None)
    assert raised.value.code == "schedule_change_resolved"
    Worker(services).drain()
    assert changes.get_change(services, user=user, change_id=change.id).status is (
        OrderChangeStatus.FAILED
    )
    [stored] = schedule_changes.list_schedule_changes(services, user=user, order_id=order.id)
    assert stored.status is ScheduleChangeStatus.ACCEPTED
    final = get_order(services, user=user, order_id=order.id)
    assert final.booking_reference == order.booking_reference and final.slices == order.slices
    with engine.connect() as db:
        live = (
            db.execute(
                select(sandbox_bookings.c.reference).where(sandbox_bookings.c.status != "cancelled")
            )
            .scalars()
            .all()
        )
    assert live == [order.booking_reference], "the rebooking's seats were given back"


def test_a_schedule_change_renders_the_e_ticket_again(engine: Engine) -> None:
    """The e-ticket rendered at ticketing shows the old flight; the airline's change
    (retimed or cancelled) makes the next version, which shows it (ADR 0017)."""
    never = build(Settings(database_url="sqlite://"), engine=engine)
    always = build(
        Settings(database_url="sqlite://", sandbox_schedule_change_rate=1.0), engine=engine
    )
    user = create_user(never)
    order = ticketed(never, user, fault=None)
    first = documents.newest_document(never, order.id, DocumentKind.E_TICKET)
    assert first is not None and first.version == 1
    [change] = sync.sync_order_now(always, user=user, order_id=order.id).schedule_changes
    Worker(always).drain()
    newest = documents.newest_document(always, order.id, DocumentKind.E_TICKET)
    assert newest is not None and newest.version == 2
    pages = PdfReader(io.BytesIO(newest.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    if change.kind.value == "flight_cancelled":
        assert "CANCELLED by the airline" in text
    else:
        after = get_order(always, user=user, order_id=order.id).slices[0].segments[0]
        assert after.departing_at.strftime("%H:%M") in text


def _kinds_run(services: Dependencies) -> list[str]:
    """Run every due job (the worker's drain), the kind of each, in order."""
    ran: list[str] = []

    def recording(kind: str, handler: Any) -> Any:
        def run(deps: Dependencies, payload: dict[str, Any]) -> None:
            ran.append(kind)
            handler(deps, payload)

        return run

    handlers = {kind: recording(kind, h) for kind, h in services.job_handlers.items()}
    Worker(replace(services, job_handlers=handlers)).drain()
    return ran


@pytest.mark.parametrize(
    ("fault", "syncs"), [(None, 0), ("schedule_change", 1)], ids=["no-change", "change"]
)
def test_ticketing_queues_a_sync_only_when_the_airline_has_changes(
    services: Dependencies, fault: str | None, syncs: int
) -> None:
    """ADR 0052: the ticketing job asks the airline for changes; without any, its own
    write is the order's sync and no sync job runs; with one, the sync job records it."""
    user = create_user(services)
    order = ticketed(services, user, fault=fault, drain=False)
    ran = _kinds_run(services)
    assert ran.count("issue_tickets") == 1
    assert ran.count("sync_order") == syncs
    now = get_order(services, user=user, order_id=order.id)
    assert now.status is OrderStatus.TICKETED
    with services.uow(read_only=True) as uow:
        [ticketed_event] = [e for e in uow.orders.events(order.id) if e.type == "order.ticketed"]
    # the ticketing's own write is the sync (no change), or the sync job came after it
    assert now.synced_at is not None and now.synced_at >= ticketed_event.occurred_at
    assert len(now.schedule_changes) == syncs
