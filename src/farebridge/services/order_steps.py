"""The transactions of the order protocol (``services/orders.py``), shared with the
reconciler (``services/recovery.py``): record, confirm, fail."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import structlog

from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.domain.coupons import used_up
from farebridge.domain.duplicates import booking_fingerprint
from farebridge.domain.errors import (
    DuplicateBooking,
    FarebridgeError,
    OfferPriceChanged,
    PaymentFailed,
    TooManyHolds,
    UpstreamUnavailable,
)
from farebridge.domain.money import Money
from farebridge.domain.order import Order, OrderFailure, OrderStatus, OrderType
from farebridge.domain.payment import Payment, PaymentStatus, payment_failed
from farebridge.providers.base import Booking
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.releases import enqueue_refund, enqueue_release, refund_key, release_key
from farebridge.services.ticketing import enqueue_ticketing

log = structlog.get_logger(__name__)


def record(
    deps: Dependencies,
    order: Order,
    payment: Payment | None,
    idempotency_key: str | None,
    fingerprint: str,
    *,
    confirm_duplicate: bool = False,
    actor_id: str | None = None,
    coupon_id: str | None = None,
) -> None:
    """Step 1: the pending order (and payment) exist before anything upstream does.
    ``DuplicateIdempotencyKey`` if another request holds the key; ``DuplicateBooking``
    (nothing recorded) if a live order has the same passengers on the same flights,
    unless ``confirm_duplicate``. The claim on them is taken in this same commit, and
    so is the audit entry naming who asked (``actor_id``: an agent booking for the
    order's owner; None: the owner), and the use of the coupon ``coupon_id`` (ADR 0024:
    ``coupon_used_up``, nothing recorded, when another order took its last use)."""
    with deps.uow() as uow:
        if order.type is OrderType.HOLD and deps.policies.max_unpaid_holds > 0:
            uow.users.lock(order.owner_id)  # one hold of an account at a time past here
            check_hold_cap(deps, uow, order.owner_id, order.created_at)
        uow.orders.add(order, idempotency_key=idempotency_key, fingerprint=fingerprint)
        _claim_booking(uow, deps, order, confirm_duplicate=confirm_duplicate)
        if payment is not None:
            uow.payments.add(payment, new_order=True)
        if coupon_id is not None:
            _redeem(uow, order, coupon_id)
        uow.audit.record(
            AuditEntry(
                AuditAction.ORDER_CREATED,
                actor_id or order.owner_id,
                order.created_at,
                order_id=order.id,
                subject_user_id=order.owner_id,
                data={"type": order.type.value, "offer_id": order.offer_id},
            )
        )
        uow.commit()


def check_hold_cap(deps: Dependencies, uow: UnitOfWork, owner_id: str, now: datetime) -> None:
    """Seat spinning: at most ``policies.max_unpaid_holds`` live unpaid holds per account
    (409 ``too_many_holds``)."""
    cap = deps.policies.max_unpaid_holds
    if cap > 0 and uow.orders.count_unpaid_holds(owner_id, now) >= cap:
        raise TooManyHolds(
            f"The account already has {cap} unpaid holds (the most allowed); pay or cancel "
            "one first.",
            field="type",
        )


def _redeem(uow: UnitOfWork, order: Order, coupon_id: str) -> None:
    discount = order.discount or Money.zero(order.base.currency)
    if not uow.coupons.redeem(coupon_id, order.id, discount, now=order.created_at):
        raise used_up(order.coupon_code or coupon_id)


def _claim_booking(
    uow: UnitOfWork, deps: Dependencies, order: Order, *, confirm_duplicate: bool
) -> None:
    """ADR 0015: a confirmed duplicate is booked without the claim its twin holds."""
    window = deps.policies.duplicate_booking_window
    if window <= timedelta(0):
        return
    holder = uow.orders.claim_booking(
        order,
        booking_fingerprint(order.passengers, order.slices),
        expires_at=order.created_at + window,
    )
    if holder is None or confirm_duplicate:
        return
    log.info("order.duplicate_refused", order_id=order.id, existing_order_id=holder)
    raise DuplicateBooking(
        f"Order {holder} already books the same passengers on the same flights. "
        "Use that order, or confirm the duplicate to book them again.",
        order_id=holder,
        field="passengers",
    )


def confirm(deps: Dependencies, order: Order, payment: Payment | None, booking: Booking) -> Order:
    """Step 4, one commit: pending → hold | instant, the payment succeeded, ticketing queued.

    If someone else finished the order first (the reconciler), their outcome stands:
    a completed order is returned as it is now; an undone one gets this request's late
    booking released and its late charge refunded."""
    now = deps.clock.now()
    instant = order.type is OrderType.INSTANT
    confirmed = replace(
        order,
        booking_reference=booking.reference,
        payment_required_by=None if instant else booking.payment_required_by,
        paid_at=now if instant else None,
        synced_at=now,
    )
    event = order.confirm(now=now)
    with deps.uow() as uow:
        changes = {
            "booking_reference": confirmed.booking_reference,
            "payment_required_by": confirmed.payment_required_by,
            "paid_at": confirmed.paid_at,
            "synced_at": now,
        }
        if uow.orders.apply(event, **changes) and (
            payment is None
            or uow.payments.set_status(
                payment.id, from_status=PaymentStatus.PENDING, to_status=PaymentStatus.SUCCEEDED
            )
        ):
            if instant:
                enqueue_ticketing(uow, deps, order.id)
            uow.commit()
            return replace(confirmed, status=event.to_status)
    with deps.uow() as uow:
        current = uow.orders.get(order.id)
        if current is not None and current.status is not OrderStatus.FAILED:
            return current  # completed by the reconciler, perhaps moved on since
        if payment is not None:
            enqueue_refund(uow, deps, payment, payment.amount, refund_id=f"void_{payment.id}")
        enqueue_release(uow, deps, order)
        uow.commit()
    run_job_now(deps, JobKind.RELEASE, release_key(order.id))
    if payment is not None:
        run_job_now(deps, JobKind.REFUND, refund_key(f"void_{payment.id}"))
    raise UpstreamUnavailable(
        f"Order {order.id} was undone while it was being booked; any charge is refunded. "
        "Book again.",
        code="order_interrupted",
    )


def fail_order(
    deps: Dependencies,
    order: Order,
    payment: Payment | None,
    error: FarebridgeError,
    *,
    release: bool,
    give_back_key: bool = False,
    release_again_after: timedelta | None = None,
    charged: bool = False,
) -> None:
    """pending → failed with the error its request answers, in one commit that wins the
    order first: the payment failed (or, if ``charged``, its refund queued), the release
    of anything booked queued; then both are tried at once (and, after a timeout, the
    release once more later, for a booking the airline makes late). Never raises: if
    the database is down too, the order stays pending and the reconciler undoes it."""
    now = deps.clock.now()
    failure = OrderFailure(type(error).__name__, error.code, error.message, error.field)
    try:
        with deps.uow() as uow:
            if not uow.orders.apply(
                order.fail(now=now, code=error.code, message=error.message), failure=failure
            ):
                current = uow.orders.get(order.id)
                if release and current is not None and current.status is OrderStatus.FAILED:
                    enqueue_release(uow, deps, order)  # undone meanwhile: ours is still held
                    uow.commit()
                return
            if payment is not None:
                declined = isinstance(error, PaymentFailed)
                _give_up_payment(uow, deps, payment, error.code, charged=charged, declined=declined)
            if give_back_key:
                uow.orders.release_idempotency_key(order.id)
            uow.coupons.release(order.id)  # an order that never came about took no use
            if release:
                enqueue_release(uow, deps, order)
            if release_again_after is not None:
                enqueue_release(uow, deps, order, after=release_again_after)
            uow.commit()
    except Exception:
        log.exception("order.fail_not_recorded", order_id=order.id)
        return
    deps.checkpoint("order.failed")
    if release:
        run_job_now(deps, JobKind.RELEASE, release_key(order.id))
    if payment is not None and charged:
        run_job_now(deps, JobKind.REFUND, refund_key(f"void_{payment.id}"))


def _give_up_payment(
    uow: UnitOfWork,
    deps: Dependencies,
    payment: Payment,
    code: str,
    *,
    charged: bool,
    declined: bool = False,
) -> None:
    """Not charged: the payment failed (a ``payment.failed`` event if the card was
    declined). Charged: it succeeded, and goes back in full."""
    if not charged:
        if (
            uow.payments.set_status(
                payment.id,
                from_status=PaymentStatus.PENDING,
                to_status=PaymentStatus.FAILED,
                failure_code=code,
            )
            and declined
        ):
            event = payment_failed(
                payment, order_status=OrderStatus.FAILED, code=code, now=deps.clock.now()
            )
            uow.orders.add_event(event)
        return
    uow.payments.set_status(
        payment.id, from_status=PaymentStatus.PENDING, to_status=PaymentStatus.SUCCEEDED
    )
    enqueue_refund(uow, deps, payment, payment.amount, refund_id=f"void_{payment.id}")


def store_repriced(deps: Dependencies, changed: OfferPriceChanged) -> None:
    """Keep the airline's new price, so that the client's re-fetch shows it."""
    try:
        with deps.uow() as uow:
            uow.offers.replace(changed.repriced)
            uow.commit()
    except Exception:  # the 409 still tells the client; the next re-check re-prices
        log.exception("offer.reprice_not_stored", offer_id=changed.repriced.id)
