"""Cancel an order: first a refund quote, then its confirmation.

Confirmation is a compare-and-set on the order (from the status the quote was
computed for), so a quote can never be used twice or after the order moved
on. Releasing the seats upstream and refunding are durable, idempotent jobs
enqueued in the same transaction; the seat release is also attempted at once.
"""

from __future__ import annotations

from typing import Any

from farebridge.domain.account import User
from farebridge.domain.cancellation import QUOTE_LIFETIME, CancellationQuote, quote_refund
from farebridge.domain.errors import (
    Conflict,
    InvalidState,
    NotFound,
    OrderAlreadyCancelled,
)
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.order import Order, OrderEvent, OrderStatus
from farebridge.domain.payment import PaymentStatus
from farebridge.services.jobs import enqueue_in, handler, run_job_now
from farebridge.services.orders import owned_order
from farebridge.services.ports import Dependencies, UnitOfWork

RELEASE_JOB = "cancel_booking"
REFUND_JOB = "refund_payment"


def quote_cancellation(
    deps: Dependencies, *, user: User, order_id: str, reason: str
) -> CancellationQuote:
    now = deps.clock.now()
    with deps.uow() as uow:
        order = owned_order(uow, user, order_id)
        refund, penalty = quote_refund(order, now=now)
        quote = CancellationQuote(
            id=new_id("ocr"),
            order_id=order.id,
            order_status=order.status,
            refund=refund,
            penalty=penalty,
            refund_to="original_form_of_payment" if refund.amount > 0 else "none",
            reason=reason,
            created_at=now,
            expires_at=now + QUOTE_LIFETIME,
        )
        uow.cancellations.add(quote)
        uow.commit()
    return quote


def confirm_cancellation(
    deps: Dependencies, *, user: User, order_id: str, quote_id: str
) -> tuple[Order, CancellationQuote]:
    now = deps.clock.now()
    with deps.uow() as uow:
        order = owned_order(uow, user, order_id)
        quote = uow.cancellations.get(quote_id)
        if quote is None or quote.order_id != order.id:
            raise NotFound(
                f"No cancellation quote {quote_id} for this order.",
                code="cancellation_not_found",
                field="cancellation_id",
            )
        _check_confirmable(order, quote, now=now)
        event = OrderEvent(
            order.id,
            "order.cancelled",
            None,
            OrderStatus.CANCELLED,
            now,
            {"cancellation_id": quote.id, "refund": str(quote.refund)},
        )
        moved = uow.orders.transition(
            order.id, from_statuses=[quote.order_status], event=event, cancelled_at=now
        )
        if moved is None or not uow.cancellations.confirm(quote.id, now=now):
            raise _moved_on(order.id)
        enqueue_release(uow, deps, order.booking_reference)
        if quote.refund.amount > 0:
            enqueue_in(
                uow,
                deps,
                REFUND_JOB,
                {"order_id": order.id, "quote_id": quote.id},
                dedupe_key=f"{REFUND_JOB}:{quote.id}",
            )
        uow.commit()
    run_job_now(deps, RELEASE_JOB, release_key(order.booking_reference))
    with deps.uow(read_only=True) as uow:
        confirmed = uow.cancellations.get(quote.id)
        return owned_order(uow, user, order_id), confirmed or quote


def _check_confirmable(order: Order, quote: CancellationQuote, *, now: Any) -> None:
    if quote.confirmed_at is not None or order.status is OrderStatus.CANCELLED:
        raise OrderAlreadyCancelled(f"Order {order.id} is already cancelled.")
    if quote.is_expired(now):
        raise InvalidState(
            "The cancellation quote expired; ask for a new one.",
            code="quote_expired",
            field="cancellation_id",
        )
    if order.status is not quote.order_status:
        raise _moved_on(order.id)


def _moved_on(order_id: str) -> Conflict:
    return Conflict(
        f"Order {order_id} changed since the quote; ask for a new quote.", code="order_changed"
    )


def release_key(booking_reference: str) -> str:
    return f"{RELEASE_JOB}:{booking_reference}"


def enqueue_release(uow: UnitOfWork, deps: Dependencies, booking_reference: str) -> None:
    """Queue the upstream cancellation that frees a booking's seats (once per booking)."""
    enqueue_in(
        uow,
        deps,
        RELEASE_JOB,
        {"booking_reference": booking_reference},
        dedupe_key=release_key(booking_reference),
    )


@handler(RELEASE_JOB)
def release_booking(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: cancel the upstream booking and free its seats (idempotent upstream)."""
    deps.provider.cancel_booking(payload["booking_reference"], now=deps.clock.now())


@handler(REFUND_JOB)
def refund_payment(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: refund the quoted amount against the order's successful payment, once."""
    with deps.uow(read_only=True) as uow:
        quote = uow.cancellations.get(payload["quote_id"])
        paid = [
            p
            for p in uow.payments.for_order(payload["order_id"])
            if p.status is PaymentStatus.SUCCEEDED
        ]
    if quote is None or not paid:
        return
    payment = paid[0]
    amount = quote.refund if quote.refund <= payment.amount else payment.amount
    deps.gateway.refund(payment.id, Money(amount.amount, payment.amount.currency))
    with deps.uow() as uow:
        uow.payments.set_status(
            payment.id, from_status=PaymentStatus.SUCCEEDED, to_status=PaymentStatus.REFUNDED
        )
        uow.commit()
