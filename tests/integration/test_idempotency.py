"""Idempotency keys on orders (Stripe's rules) and crashed requests retried."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from farebridge.domain.errors import FarebridgeError, IdempotencyKeyReused, PaymentFailed
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderStatus, OrderType
from farebridge.domain.payment import Payment, PaymentMethod, PaymentStatus, PaymentType
from farebridge.services import payments
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies
from farebridge.store.tables import orders, sandbox_bookings, sandbox_charges
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers, place_order

VISA = PaymentMethod(PaymentType.CARD, "tok_visa")


def _instant(offer: Offer, key: str, token: str = "tok_visa") -> CreateOrder:
    payment = PaymentRequest(offer.total, PaymentMethod(PaymentType.CARD, token))
    return CreateOrder(
        OrderType.INSTANT, offer.id, [create_passenger(id="")], payment=payment, idempotency_key=key
    )


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as db:
        return int(db.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_fifty_requests_with_one_key_book_and_charge_once(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = find_offers(services, user=user)[0]
    command = _instant(offer, new_id("key"))

    def place(_: int) -> str:
        try:
            return create_order(services, user=user, command=command).id
        except FarebridgeError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = Counter(pool.map(place, range(50)))
    order_ids = [o for o in outcomes if o.startswith("ord_")]
    assert len(order_ids) == 1, outcomes
    assert set(outcomes) <= {order_ids[0], "idempotency_in_progress"}, outcomes
    assert _count(engine, orders) == 1
    assert _count(engine, sandbox_bookings) == 1
    assert _count(engine, sandbox_charges) == 1


def test_the_same_key_with_another_body_is_refused(services: Dependencies) -> None:
    user = create_user(services)
    offers = find_offers(services, user=user)
    key = new_id("key")
    first = create_order(services, user=user, command=_instant(offers[0], key))
    assert create_order(services, user=user, command=_instant(offers[0], key)).id == first.id
    with pytest.raises(IdempotencyKeyReused) as caught:
        create_order(services, user=user, command=_instant(offers[1], key))
    assert caught.value.field == "Idempotency-Key"


def test_a_declined_order_replays_its_decline(services: Dependencies, engine: Engine) -> None:
    user = create_user(services)
    offer = find_offers(services, user=user)[0]
    command = _instant(offer, new_id("key"), token="tok_card_declined")
    for _ in range(3):
        with pytest.raises(PaymentFailed) as caught:
            create_order(services, user=user, command=command)
        assert caught.value.code == "card_declined"
    assert _count(engine, sandbox_charges) == 1, "charged (declined) once, replayed twice"


def test_a_retry_after_a_crash_runs_afresh(services: Dependencies, engine: Engine) -> None:
    """The first request died after recording its order: the retry undoes it, then books."""
    user = create_user(services)
    offer = find_offers(services, user=user)[0]
    command = _instant(offer, new_id("key"))
    dead = replace(
        services,
        checkpoint=lambda step: _die() if step == "order.booked" else None,
    )
    with pytest.raises(_Died):
        create_order(dead, user=user, command=command)
    patient = replace(services, policies=replace(services.policies, recovery_grace=timedelta(0)))
    order = create_order(patient, user=user, command=command)
    assert order.status is OrderStatus.INSTANT
    with engine.connect() as db:
        statuses = Counter(db.execute(select(orders.c.status)).scalars().all())
        holding = db.execute(
            select(func.count()).where(sandbox_bookings.c.status != "cancelled")
        ).scalar_one()
    assert statuses == {"failed": 1, "instant": 1}
    assert holding == 1, "the dead request's booking was released"


class _Died(Exception):
    pass


def _die() -> None:
    raise _Died


def test_a_payment_left_pending_by_a_crash_does_not_block_a_retry(
    services: Dependencies,
) -> None:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    order = place_order(services, user=user, offer=offer, instant=False)
    crashed = Payment(
        new_id("pay"),
        order.id,
        order.total,
        VISA,
        PaymentStatus.PENDING,
        services.clock.now() - timedelta(minutes=2),
    )
    with services.uow() as uow:
        uow.payments.add(crashed)
        uow.commit()
    paid = payments.pay_order(
        services, user=user, order_id=order.id, amount=order.total, method=VISA
    )
    assert paid.status is PaymentStatus.SUCCEEDED
    with services.uow(read_only=True) as uow:
        statuses = {p.id: p.status for p in uow.payments.for_order(order.id)}
    assert statuses == {crashed.id: PaymentStatus.FAILED, paid.id: PaymentStatus.SUCCEEDED}
