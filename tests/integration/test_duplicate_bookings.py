"""Duplicate bookings (ADR 0015) on SQLite and PostgreSQL: one live order per account for
the same passengers on the same flights, under concurrency and after a booking timeout."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from farebridge.domain.duplicates import booking_fingerprint
from farebridge.domain.errors import DuplicateBooking, FarebridgeError, UpstreamTimeout
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderStatus, OrderType
from farebridge.providers.base import Booking
from farebridge.services import changes
from farebridge.services.orders import CreateOrder, create_order, get_order
from farebridge.services.ports import Dependencies
from farebridge.store.tables import booking_fingerprints, orders, sandbox_bookings
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers, place_order
from tests.integration.test_order_changes import change_offers, payment_for, ticketed_order

CLIENTS = 12


def _hold(offer: Offer, **changes: Any) -> CreateOrder:
    command = CreateOrder(OrderType.HOLD, offer.id, [create_passenger(id="")])
    return replace(command, **changes)


def _holdable(services: Dependencies) -> Offer:
    return next(o for o in find_offers(services) if not o.requires_instant_payment)


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except FarebridgeError as exc:
        return exc.code
    return "ok"


def _statuses(engine: Engine) -> Counter[str]:
    with engine.connect() as db:
        return Counter(db.execute(select(orders.c.status)).scalars().all())


def _active_bookings(engine: Engine) -> int:
    with engine.connect() as db:
        rows = db.execute(
            select(sandbox_bookings.c.reference).where(sandbox_bookings.c.status == "active")
        ).all()
    return len(rows)


def test_identical_orders_sent_at_once_book_once(services: Dependencies, engine: Engine) -> None:
    user = create_user(services)
    offer = _holdable(services)
    command = _hold(offer)

    def book(_: int) -> str:
        return _outcome(lambda: create_order(services, user=user, command=command))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        outcomes = Counter(pool.map(book, range(CLIENTS)))
    assert outcomes == {"ok": 1, "duplicate_booking": CLIENTS - 1}, outcomes
    assert _statuses(engine) == {"hold": 1}, "a refused duplicate records nothing"
    assert _active_bookings(engine) == 1


def test_the_refusal_names_the_live_order_and_a_confirmed_duplicate_books(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = _holdable(services)
    first = create_order(services, user=user, command=_hold(offer))
    with pytest.raises(DuplicateBooking) as refused:
        create_order(services, user=user, command=_hold(offer))
    assert refused.value.order_id == first.id and first.id in refused.value.message
    second = create_order(services, user=user, command=_hold(offer, confirm_duplicate=True))
    assert second.status is OrderStatus.HOLD and second.id != first.id
    with pytest.raises(DuplicateBooking) as again:
        create_order(services, user=user, command=_hold(offer))
    assert again.value.order_id == first.id, "the first order keeps its claim"


def test_another_account_or_another_passenger_is_no_duplicate(services: Dependencies) -> None:
    offer = _holdable(services)
    user, other = create_user(services), create_user(services)
    create_order(services, user=user, command=_hold(offer))
    create_order(services, user=other, command=_hold(offer))
    someone_else = replace(create_passenger(id=""), given_name="Fred", family_name="Noonan")
    create_order(services, user=user, command=_hold(offer, passengers=[someone_else]))


def test_an_ended_order_gives_its_passengers_and_flights_back(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = _holdable(services)
    first = create_order(services, user=user, command=_hold(offer))
    now = services.clock.now()
    with services.uow() as uow:
        assert uow.orders.apply(first.expire(now=now))
        uow.commit()
    second = create_order(services, user=user, command=_hold(offer))
    with engine.connect() as db:
        holders = db.execute(select(booking_fingerprints.c.order_id)).scalars().all()
    assert holders == [second.id]


def test_a_claim_past_the_window_is_taken_over(services: Dependencies, engine: Engine) -> None:
    brief = replace(
        services,
        policies=replace(services.policies, duplicate_booking_window=timedelta(microseconds=1)),
    )
    user = create_user(services)
    offer = _holdable(services)
    create_order(brief, user=user, command=_hold(offer))
    create_order(brief, user=user, command=_hold(offer))
    off = replace(
        services, policies=replace(services.policies, duplicate_booking_window=timedelta(0))
    )
    create_order(off, user=user, command=_hold(offer))
    assert _statuses(engine) == {"hold": 3}


@pytest.mark.parametrize("retry_key", ["same key", "new key", "no key"])
def test_a_retry_after_a_booking_timeout_never_books_twice(
    services: Dependencies, engine: Engine, monkeypatch: pytest.MonkeyPatch, retry_key: str
) -> None:
    """The worst case: the airline booked, but its answer never came back."""
    user = create_user(services)
    offer = _holdable(services)
    sandbox = services.providers.get("sandbox")
    book = sandbox.create_booking
    calls: list[str] = []

    def booked_then_timed_out(*args: Any, **kwargs: Any) -> Booking:
        booking = book(*args, **kwargs)
        calls.append(booking.reference)
        if len(calls) == 1:
            raise UpstreamTimeout("The airline did not answer the booking in time.")
        return booking

    monkeypatch.setattr(sandbox, "create_booking", booked_then_timed_out)
    key = new_id("key")
    first = _hold(offer, idempotency_key=key if retry_key != "no key" else None)
    with pytest.raises(UpstreamTimeout):
        create_order(services, user=user, command=first)
    retry = replace(
        first, idempotency_key={"same key": key, "new key": new_id("key")}.get(retry_key)
    )
    order = create_order(services, user=user, command=retry)
    assert order.status is OrderStatus.HOLD and len(calls) == 2
    assert _statuses(engine) == {"failed": 1, "hold": 1}
    assert _active_bookings(engine) == 1, "the timed-out booking was released"
    if retry_key == "same key":  # the first outcome again
        assert create_order(services, user=user, command=retry).id == order.id
    else:
        with pytest.raises(DuplicateBooking) as refused:
            create_order(services, user=user, command=replace(retry, idempotency_key=None))
        assert refused.value.order_id == order.id
    assert _active_bookings(engine) == 1


def test_a_retry_after_the_sandbox_timeout_fault_books_once(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = _holdable(services)
    key = new_id("key")
    with pytest.raises(UpstreamTimeout):
        create_order(
            services,
            user=user,
            command=_hold(offer, idempotency_key=key, scenarios=frozenset({"timeout"})),
        )
    order = create_order(services, user=user, command=_hold(offer, idempotency_key=key))
    replayed = create_order(services, user=user, command=_hold(offer, idempotency_key=key))
    assert replayed.id == order.id
    assert _outcome(lambda: create_order(services, user=user, command=_hold(offer))) == (
        "duplicate_booking"
    )
    assert _statuses(engine) == {"failed": 1, "hold": 1}
    assert _active_bookings(engine) == 1


def test_a_changed_order_claims_its_new_flights(services: Dependencies, engine: Engine) -> None:
    user = create_user(services)
    order = ticketed_order(services, user)
    offer = min(change_offers(services, user, order), key=lambda o: o.change_total.amount)
    change = changes.create_change(services, user=user, change_offer_id=offer.id)
    changes.confirm_change(services, user=user, change_id=change.id, payment=payment_for(offer))
    changed = get_order(services, user=user, order_id=order.id)
    with engine.connect() as db:
        claims = db.execute(
            select(booking_fingerprints.c.order_id, booking_fingerprints.c.fingerprint)
        ).all()
    assert [tuple(c) for c in claims] == [
        (order.id, booking_fingerprint(changed.passengers, changed.slices))
    ]
    again = place_order(services, user=user, offer=_offer_of(services, order), instant=True)
    assert again.status is OrderStatus.INSTANT, "the old flights are free again"


def _offer_of(services: Dependencies, order: Order) -> Offer:
    with services.uow(read_only=True) as uow:
        offer = uow.offers.get(order.offer_id)
    assert offer is not None
    return offer
