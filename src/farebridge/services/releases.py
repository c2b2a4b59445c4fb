"""Compensation as durable jobs: release an order's seats upstream, refund a payment.

Both are enqueued in the same transaction as the change that calls for them (a
cancellation, an expiry, a failed or undone order), so a crash can never lose
one; both are idempotent, so running one twice, or alongside a retry, does the
work once: the provider cancels a booking once, the gateway refunds one refund
id once and never refunds what it did not charge.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from farebridge.domain.money import Money
from farebridge.domain.order import Order
from farebridge.domain.payment import Payment, PaymentStatus
from farebridge.services.jobs import JobKind, enqueue_in
from farebridge.services.ports import Dependencies, UnitOfWork


def release_key(order_id: str) -> str:
    return f"{JobKind.RELEASE.value}:{order_id}"


def enqueue_release(
    uow: UnitOfWork, deps: Dependencies, order: Order, *, after: timedelta | None = None
) -> None:
    """Queue the upstream cancellation that frees the order's seats; ``after``: a second,
    later release (an airline that timed out may still book)."""
    if after is None:
        key, run_after = release_key(order.id), None
    else:
        key, run_after = f"{release_key(order.id)}:later", deps.clock.now() + after
    enqueue_in(
        uow, deps, JobKind.RELEASE, {"order_id": order.id}, dedupe_key=key, run_after=run_after
    )


def release_booking(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: cancel the order's upstream booking and free its seats.

    A booking whose reference was never recorded (the request died, or the airline
    timed out) is found by the order id it was made under."""
    with deps.uow(read_only=True) as uow:
        order = uow.orders.get(payload["order_id"])
    if order is None:
        return
    provider = deps.providers.for_order(order)
    # An order change names its booking: the old one it replaced, or its own by key.
    reference = payload.get("booking_reference") or (
        "" if "booking_key" in payload else order.booking_reference
    )
    if not reference:
        booking = provider.find_booking(payload.get("booking_key", order.id))
        if booking is None or not booking.active:
            return  # nothing was booked, or it is released already
        if booking.in_place and "booking_key" in payload:
            return  # a change the airline made to the order's own booking: nothing to undo
        reference = booking.reference
    provider.cancel_booking(reference, now=deps.clock.now())


def refund_key(refund_id: str) -> str:
    return f"{JobKind.REFUND.value}:{refund_id}"


def enqueue_refund(
    uow: UnitOfWork, deps: Dependencies, payment: Payment, amount: Money, *, refund_id: str
) -> None:
    """Queue a refund of ``amount`` (at most what was paid) against ``payment``."""
    capped = amount if amount <= payment.amount else payment.amount
    enqueue_in(
        uow,
        deps,
        JobKind.REFUND,
        {
            "payment_id": payment.id,
            "refund_id": refund_id,
            "amount": str(capped.amount),
            "currency": payment.amount.currency,
        },
        dedupe_key=refund_key(refund_id),
    )


def refund_payment(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: refund once per refund id, then mark the payment refunded."""
    amount = Money.of(payload["amount"], payload["currency"])
    deps.gateway.refund(payload["refund_id"], payload["payment_id"], amount)
    deps.checkpoint("refund.sent")
    with deps.uow() as uow:
        for status in (PaymentStatus.SUCCEEDED, PaymentStatus.PENDING, PaymentStatus.FAILED):
            if uow.payments.set_status(
                payload["payment_id"], from_status=status, to_status=PaymentStatus.REFUNDED
            ):
                break
        uow.commit()
