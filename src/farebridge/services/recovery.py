"""The reconciler: finish what a crash left half done, exactly once.

An order still ``pending`` after the recovery grace lost its request. The
upstreams say what happened — ``Provider.find_booking(order id)`` and
``PaymentGateway.find_charge(payment id)``:

booked  charged   outcome
yes     yes       completed: ``instant``, the payment succeeded, ticketing queued
yes     no        undone: ``failed``; the booking is released (instant orders, holds)
no      yes       undone: ``failed``; the charge is refunded
no      no        undone: ``failed``

A hold is undone too: its client never heard of it. An undone order gives its
idempotency key back, so the client's retry runs afresh. Every step is a
compare-and-set from ``pending``, so two reconcilers, or a reconciler and a
late request, finish an order once.

The worker runs ``recover_orders`` periodically; a retry with the same
idempotency key runs ``recover_order`` for its own order at once.
"""

from __future__ import annotations

import structlog

from farebridge.domain.errors import UpstreamUnavailable
from farebridge.domain.order import Order, OrderStatus, OrderType
from farebridge.domain.payment import Payment
from farebridge.providers.base import Booking
from farebridge.services import order_steps
from farebridge.services.ports import Dependencies

log = structlog.get_logger(__name__)


def recover_orders(deps: Dependencies, *, limit: int = 100) -> int:
    """Finish every order pending past the grace; return how many were looked at."""
    cutoff = deps.clock.now() - deps.policies.recovery_grace
    with deps.uow(read_only=True) as uow:
        stale = uow.orders.pending_before(cutoff, limit=limit)
    for order in stale:
        try:
            recover_order(deps, order.id)
        except Exception as exc:  # one stuck upstream must not stop the others
            log.warning("order.recovery_failed", order_id=order.id, error=repr(exc))
    return len(stale)


def recover_order(deps: Dependencies, order_id: str) -> Order | None:
    """Complete or undo one pending order (see the table above); the order after."""
    with deps.uow(read_only=True) as uow:
        order = uow.orders.get(order_id)
        payment = uow.payments.live_for_order(order_id)
    if order is None or order.status is not OrderStatus.PENDING:
        return order
    booking = deps.providers.for_order(order).find_booking(order.id)
    booked = booking is not None and booking.active
    charge = deps.gateway.find_charge(payment.id) if payment is not None else None
    charged = charge is not None and charge.succeeded
    if booked and charged and order.type is OrderType.INSTANT:
        assert booking is not None and payment is not None
        return _complete(deps, order, payment, booking)
    _undo(deps, order, payment, booked=booked, charged=charged)
    with deps.uow(read_only=True) as uow:
        return uow.orders.get(order_id)


def _complete(deps: Dependencies, order: Order, payment: Payment, booking: Booking) -> Order:
    log.info("order.recovered", order_id=order.id, outcome="completed")
    try:
        return order_steps.confirm(deps, order, payment, booking)
    except UpstreamUnavailable:  # undone meanwhile by someone else
        with deps.uow(read_only=True) as uow:
            current = uow.orders.get(order.id)
        assert current is not None
        return current


def _undo(
    deps: Dependencies, order: Order, payment: Payment | None, *, booked: bool, charged: bool
) -> None:
    log.info("order.recovered", order_id=order.id, outcome="undone", charged=charged)
    interrupted = UpstreamUnavailable(
        "The request that made this order was interrupted; nothing is booked or charged. "
        "Book again.",
        code="order_interrupted",
    )
    order_steps.fail_order(
        deps, order, payment, interrupted, release=booked, give_back_key=True, charged=charged
    )
