"""Paying a held order (seed 000 step 6): 409 already paid, 422 mismatch, 402 declined.

Three short steps so that no payment is lost or doubled across a crash:
1. record the payment as ``pending`` — a unique index allows one live payment
   per order, so a concurrent second payer gets a clean 409;
2. charge the gateway, idempotent on the payment id;
3. in one transaction: payment ``succeeded``, order ``hold → paid`` (a
   compare-and-set), the event row and the ticketing job.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from farebridge.domain.account import User
from farebridge.domain.errors import (
    FarebridgeError,
    InvalidState,
    OrderAlreadyCancelled,
    OrderAlreadyPaid,
    PaymentFailed,
)
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.order import Order, OrderEvent, OrderStatus, check_transition
from farebridge.domain.payment import Payment, PaymentMethod, PaymentStatus, check_amount
from farebridge.services.orders import owned_order
from farebridge.services.ports import Dependencies, PaymentInFlight
from farebridge.services.ticketing import enqueue_ticketing


def pay_order(
    deps: Dependencies, *, user: User, order_id: str, amount: Money, method: PaymentMethod
) -> Payment:
    now = deps.clock.now()
    payment = Payment(new_id("pay"), order_id, amount, method, PaymentStatus.PENDING, now)
    with deps.uow() as uow:
        order = owned_order(uow, user, order_id)
        _check_payable(order, now=now)
        check_amount(amount, order.total)
        try:
            uow.payments.add(payment)
        except PaymentInFlight:
            raise OrderAlreadyPaid(f"Order {order_id} is already paid or being paid.") from None
        uow.commit()
    result = deps.gateway.charge(payment.id, amount, method)
    if not result.succeeded:
        with deps.uow() as uow:
            uow.payments.set_status(
                payment.id,
                from_status=PaymentStatus.PENDING,
                to_status=PaymentStatus.FAILED,
                failure_code=result.failure_code,
            )
            uow.commit()
        raise PaymentFailed(
            result.failure_message or "The payment was declined.",
            code=result.failure_code or "payment_declined",
        )
    return _settle(deps, order, payment)


STALE_AFTER = timedelta(minutes=5)


def reconcile_pending_payments(deps: Dependencies) -> int:
    """Finish payments a crash left ``pending`` between charging and recording.

    The gateway says what happened: charged → settle as usual (or refund if the
    hold moved on); declined or never charged → the payment failed and the hold
    stays payable. Each step is a compare-and-set, so running this twice, or
    alongside a live request, settles a payment once. Returns how many it finished.
    """
    now = deps.clock.now()
    with deps.uow(read_only=True) as uow:
        stale = uow.payments.stale_pending(now - STALE_AFTER)
    for payment in stale:
        result = deps.gateway.find_charge(payment.id)
        if result is not None and result.succeeded:
            with deps.uow(read_only=True) as uow:
                order = uow.orders.get(payment.order_id)
            if order is not None:
                with contextlib.suppress(FarebridgeError):
                    _settle(deps, order, payment)
            continue
        with deps.uow() as uow:
            uow.payments.set_status(
                payment.id,
                from_status=PaymentStatus.PENDING,
                to_status=PaymentStatus.FAILED,
                failure_code=result.failure_code if result else "not_charged",
            )
            uow.commit()
    return len(stale)


def _check_payable(order: Order, *, now: datetime) -> None:
    if order.is_past_payment_deadline(now) or order.status is OrderStatus.EXPIRED:
        raise InvalidState(
            f"Order {order.id} passed its payment deadline and has expired.", code="order_expired"
        )
    check_transition(order.id, order.status, OrderStatus.PAID)


def _settle(deps: Dependencies, order: Order, payment: Payment) -> Payment:
    now = deps.clock.now()
    with deps.uow() as uow:
        if not uow.payments.set_status(
            payment.id, from_status=PaymentStatus.PENDING, to_status=PaymentStatus.SUCCEEDED
        ):
            settled = uow.payments.get(payment.id)
            assert settled is not None
            return settled  # settled by someone else (a retry or the reconciler)
        event = OrderEvent(
            order.id, "order.paid", None, OrderStatus.PAID, now, {"payment_id": payment.id}
        )
        moved = uow.orders.transition(
            order.id, from_statuses=[OrderStatus.HOLD], event=event, paid_at=now
        )
        if moved is not None:
            enqueue_ticketing(uow, deps, order.id)
            uow.commit()
            return Payment(
                payment.id,
                payment.order_id,
                payment.amount,
                payment.method,
                PaymentStatus.SUCCEEDED,
                payment.created_at,
            )
    # The hold expired or was cancelled while the card was charged: give it back.
    deps.gateway.refund(payment.id, payment.amount)
    with deps.uow() as uow:
        uow.payments.set_status(
            payment.id, from_status=PaymentStatus.PENDING, to_status=PaymentStatus.REFUNDED
        )
        current = uow.orders.get(order.id)
        uow.commit()
    if current is not None and current.status is OrderStatus.CANCELLED:
        raise OrderAlreadyCancelled(f"Order {order.id} was cancelled; the payment was refunded.")
    raise InvalidState(f"Order {order.id} expired; the payment was refunded.", code="order_expired")
