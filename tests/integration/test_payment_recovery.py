"""A crash between charging and recording leaves a pending payment: it is settled once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine, select

from farebridge.bootstrap import build
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order, OrderStatus
from farebridge.domain.payment import Payment, PaymentMethod, PaymentStatus, PaymentType
from farebridge.services import payments
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from farebridge.store.tables import sandbox_refunds
from tests.integration.conftest import create_user, find_offers, place_order


def _refunds(engine: Engine) -> list[str]:
    with engine.connect() as db:
        return list(db.execute(select(sandbox_refunds.c.payment_id)).scalars())


def _held_order(services: Dependencies) -> Order:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    return place_order(services, user=user, offer=offer, instant=False)


def _crashed_payment(services: Dependencies, order: Order, *, charged: bool) -> Payment:
    """What a request that died after (or before) charging leaves behind."""
    method = PaymentMethod(PaymentType.CARD, "tok_visa")
    created = services.clock.now() - timedelta(minutes=10)
    payment = Payment(new_id("pay"), order.id, order.total, method, PaymentStatus.PENDING, created)
    with services.uow() as uow:
        uow.payments.add(payment)
        uow.commit()
    if charged:
        assert services.gateway.charge(payment.id, payment.amount, method).succeeded
    return payment


def _state(services: Dependencies, order: Order, payment: Payment) -> tuple[str, str, list[str]]:
    with services.uow(read_only=True) as uow:
        current = uow.orders.get(order.id)
        stored = uow.payments.get(payment.id)
        events = [e.type for e in uow.orders.events(order.id)]
    assert current is not None and stored is not None
    return current.status.value, stored.status.value, events


def test_a_charged_payment_is_settled_after_a_crash(engine: Engine) -> None:
    services = build(Settings(database_url="sqlite://"), engine=engine)
    order = _held_order(services)
    payment = _crashed_payment(services, order, charged=True)
    assert payments.reconcile_pending_payments(services) == 1
    assert payments.reconcile_pending_payments(services) == 0, "nothing pending any more"
    assert _state(services, order, payment) == (
        "paid",
        "succeeded",
        ["order.created", "order.paid"],
    )
    assert _refunds(engine) == []


def test_a_payment_never_charged_fails_and_the_hold_stays_payable(engine: Engine) -> None:
    services = build(Settings(database_url="sqlite://"), engine=engine)
    order = _held_order(services)
    payment = _crashed_payment(services, order, charged=False)
    payments.reconcile_pending_payments(services)
    assert _state(services, order, payment)[:2] == ("hold", "failed")
    user = create_user(services)
    assert user.id != order.owner_id
    with services.uow(read_only=True) as uow:
        owner = uow.users.get(order.owner_id)
    assert owner is not None
    paid = payments.pay_order(
        services,
        user=owner,
        order_id=order.id,
        amount=order.total,
        method=PaymentMethod(PaymentType.BALANCE),
    )
    assert paid.status is PaymentStatus.SUCCEEDED


def test_racing_reconcilers_settle_once_and_never_refund(engine: Engine) -> None:
    services = build(Settings(database_url="sqlite://"), engine=engine)
    order = _held_order(services)
    payment = _crashed_payment(services, order, charged=True)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: payments.reconcile_pending_payments(services), range(6)))
    status, payment_status, events = _state(services, order, payment)
    assert (status, payment_status) == (OrderStatus.PAID.value, "succeeded")
    assert events.count("order.paid") == 1
    assert _refunds(engine) == []


def test_the_sandbox_gateway_answers_a_payment_charged_twice_as_the_first_time(
    engine: Engine,
) -> None:
    services = build(Settings(database_url="sqlite://"), engine=engine)
    payment_id = new_id("pay")
    amount = find_offers(services)[0].total
    card = PaymentMethod(PaymentType.CARD, card_token="tok_visa")
    declined = PaymentMethod(PaymentType.CARD, card_token="tok_card_declined")
    assert services.gateway.charge(payment_id, amount, card).succeeded
    assert services.gateway.charge(payment_id, amount, declined).succeeded  # the first stands
    assert services.gateway.find_charge(payment_id) == services.gateway.charge(
        payment_id, amount, card
    )
    other = new_id("pay")
    first = services.gateway.charge(other, amount, declined)
    assert not first.succeeded and first.failure_code == "card_declined"
    assert services.gateway.charge(other, amount, card) == first
    assert services.gateway.find_charge(other) == first
