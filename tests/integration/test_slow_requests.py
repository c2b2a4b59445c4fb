"""A live request slower than the recovery grace races the reconciler: whoever loses
gives back what it took. Each race is staged at a step boundary (``deps.checkpoint``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from farebridge.domain.errors import UpstreamUnavailable
from farebridge.domain.order import OrderStatus, OrderType
from farebridge.domain.payment import PaymentMethod, PaymentStatus, PaymentType
from farebridge.jobs.worker import Worker
from farebridge.services import payments
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies
from farebridge.services.recovery import recover_order
from tests.crash.invariants import check_invariants
from tests.factories import create_passenger
from tests.integration.conftest import create_user, find_offers, place_order

VISA = PaymentMethod(PaymentType.CARD, "tok_visa")


def _impatient(services: Dependencies, step: str, meanwhile: Callable[[], None]) -> Dependencies:
    """Services whose reconciler treats everything as dead, and that run ``meanwhile``
    when the live request reaches ``step``."""
    policies = replace(services.policies, recovery_grace=timedelta(0))

    def checkpoint(name: str) -> None:
        if name == step:
            meanwhile()

    return replace(services, policies=policies, checkpoint=checkpoint)


def _only_order_id(services: Dependencies) -> str:
    with services.uow(read_only=True) as uow:
        pending = uow.orders.pending_before(services.clock.now() + timedelta(seconds=1))
    assert len(pending) == 1
    return pending[0].id


def _instant(offer_total: object, offer_id: str) -> CreateOrder:
    payment = PaymentRequest(offer_total, VISA)  # type: ignore[arg-type]
    return CreateOrder(OrderType.INSTANT, offer_id, [create_passenger(id="")], payment=payment)


def test_a_booking_made_after_the_order_was_undone_is_released_and_refunded(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = find_offers(services, user=user)[0]
    deps = _impatient(services, "order.recorded", lambda: recover_order(deps, _only_order_id(deps)))
    with pytest.raises(UpstreamUnavailable) as caught:
        create_order(deps, user=user, command=_instant(offer.total, offer.id))
    assert caught.value.code == "order_interrupted"
    Worker(services).drain()
    counts = check_invariants(engine)
    assert counts["orders_failed"] == 1 and counts["bookings_holding_seats"] == 0
    assert counts["refunds"] == 1, "the late charge went back"


def test_a_late_confirm_leaves_a_completed_and_ticketed_order_alone(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = find_offers(services, user=user)[0]

    def complete_and_ticket() -> None:
        order_id = _only_order_id(deps)
        recover_order(deps, order_id)
        run_job_now(deps, JobKind.TICKETING, f"{JobKind.TICKETING.value}:{order_id}")

    deps = _impatient(services, "order.charged", complete_and_ticket)
    order = create_order(deps, user=user, command=_instant(offer.total, offer.id))
    assert order.status is OrderStatus.TICKETED
    counts = check_invariants(engine)
    assert counts["refunds"] == 0 and counts["orders_ticketed"] == 1


def test_a_hold_payment_given_up_before_its_charge_landed_is_refunded(
    services: Dependencies, engine: Engine
) -> None:
    user = create_user(services)
    offer = next(o for o in find_offers(services, user=user) if not o.requires_instant_payment)
    held = place_order(services, user=user, offer=offer, instant=False)

    def give_up() -> None:
        with deps.uow(read_only=True) as uow:
            pending = uow.payments.live_for_order(held.id)
        assert pending is not None and pending.status is PaymentStatus.PENDING
        payments.resolve_payment(deps, pending)  # the gateway has no charge yet: failed

    deps = _impatient(services, "payment.recorded", give_up)
    with pytest.raises(UpstreamUnavailable) as caught:
        payments.pay_order(deps, user=user, order_id=held.id, amount=held.total, method=VISA)
    assert caught.value.code == "payment_interrupted"
    counts = check_invariants(engine)
    assert counts["refunds"] == 1 and counts["orders_hold"] == 1
    paid = payments.pay_order(services, user=user, order_id=held.id, amount=held.total, method=VISA)
    assert paid.status is PaymentStatus.SUCCEEDED
