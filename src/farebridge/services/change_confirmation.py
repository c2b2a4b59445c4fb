"""Confirming an order change with the crash-safe protocol of ADR 0006 (ADR 0012).

1. **record** — the change ``pending → confirming`` (a compare-and-set: of two
   confirmations at once, one wins; the other gets 409 ``change_in_progress``),
   with the payment id and the booking it replaces;
2. **book** the new flights with ``Provider.change_booking``, idempotent on the
   change id: a new booking that carries the kept flights over; the old booking
   still holds every seat it held. A provider whose airline changes bookings in
   place (Duffel) only prepares the change here, at the quoted price or not at all;
3. **charge** the change total (when one is due), idempotent on the payment id;
   then **commit** it with the provider (``Provider.commit_change``: nothing for
   the sandbox; Duffel confirms the prepared change and pays the airline);
4. **confirm**, one commit: the change ``confirmed``, the order's slices, fare,
   extras and booking reference replaced (a compare-and-set on its version), the
   ``order.changed`` event, the old tickets voided, and queued: the release of the
   old booking (which hands the kept flights' seats to the new one and frees the
   removed ones; none when the booking was changed in place), the reissue of
   tickets, the refund of a negative change total.

A definite "no" (sold out, declined) fails the change and queues the release of the
new booking in the same commit. A crash leaves a ``confirming`` change that
``services/change_recovery.py`` (the worker's sweep) finishes: booked and charged → confirmed,
anything less → failed, the new booking released and any charge refunded. So the
customer never ends with both bookings held, nor with neither.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import structlog

from farebridge.domain.account import User
from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.domain.changes import (
    CHANGEABLE_STATUSES,
    ChangeOffer,
    OrderChange,
    OrderChangeStatus,
    check_changeable,
    kept_services,
    slices_after_change,
)
from farebridge.domain.errors import (
    Conflict,
    FarebridgeError,
    InvalidState,
    NotFound,
    OfferExpired,
    OrderNotFound,
    PaymentFailed,
    UpstreamTimeout,
    UpstreamUnavailable,
    ValidationFailed,
)
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order, OrderStatus, TicketingStatus
from farebridge.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    PaymentType,
    check_amount,
)
from farebridge.domain.schedule_changes import ScheduleChangeStatus
from farebridge.providers.base import Booking
from farebridge.services.change_jobs import (
    change_release_key,
    enqueue_change_release,
    enqueue_old_booking_release,
    enqueue_reissue,
    old_booking_release_key,
)
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.orders import PaymentRequest
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.reads import owned_order
from farebridge.services.releases import enqueue_refund, refund_key
from farebridge.services.schedule_changes import already_resolved, pending_change

log = structlog.get_logger(__name__)


def confirm_change(
    services: Dependencies, *, user: User, change_id: str, payment: PaymentRequest | None
) -> OrderChange:
    """Book, charge and swap the flights; see the module docstring for the protocol."""
    now = services.clock.now()
    with services.uow(read_only=True) as uow:
        change, order, offer = _load(uow, user, change_id)
        if change.schedule_change_id is not None and change.status is OrderChangeStatus.PENDING:
            pending_change(uow, order, change.schedule_change_id)
    _check_confirmable(change, order, offer, now=now)
    _check_payment(change, payment)
    paying = payment is not None and payment.amount.amount > 0
    payment_id = new_id("pay") if paying else None
    with services.uow() as uow:
        if not uow.changes.set_status(
            change.id,
            from_status=OrderChangeStatus.PENDING,
            to_status=OrderChangeStatus.CONFIRMING,
            payment_id=payment_id,
            payment_type=payment.method.type.value if payment and paying else None,
            old_booking_reference=order.booking_reference,
            confirming_at=now,
        ):
            current = uow.changes.get_change(change.id)
            raise _not_pending(current or change)
        # Read after the compare-and-set: a change of the order confirmed meanwhile shows.
        now_order = uow.orders.get(order.id)
        if now_order is None or now_order.version != offer.order_version:
            raise Conflict(
                f"Order {order.id} changed since this change was priced; request it again.",
                code="order_changed",
            )
        uow.audit.record(
            AuditEntry(
                AuditAction.ORDER_CHANGED,
                user.id,
                now,
                order_id=order.id,
                data={"order_change_id": change.id, "payment_id": payment_id},
            )
        )
        uow.commit()
    change = replace(
        change,
        status=OrderChangeStatus.CONFIRMING,
        payment_id=payment_id,
        old_booking_reference=order.booking_reference,
    )
    services.checkpoint("change.recorded")
    booking = _book(services, order, offer, change)
    services.checkpoint("change.booked")
    if payment is not None and payment_id is not None:
        _charge(services, change, payment)
        services.checkpoint("change.charged")
    booking = _commit(services, order, change, charged=payment_id is not None)
    services.checkpoint("change.committed")
    confirmed = finish_change(services, change, booking, charged=payment_id is not None)
    services.checkpoint("change.confirmed")
    return confirmed


def _load(uow: UnitOfWork, user: User, change_id: str) -> tuple[OrderChange, Order, ChangeOffer]:
    change = uow.changes.get_change(change_id)
    missing = NotFound(f"No order change {change_id}.", code="order_change_not_found")
    if change is None:
        raise missing
    try:
        order = owned_order(uow, user, change.order_id)
    except OrderNotFound as exc:
        raise missing from exc
    offer = uow.changes.get_offer(change.change_offer_id)
    if offer is None:
        raise missing
    return change, order, offer


def _check_confirmable(
    change: OrderChange, order: Order, offer: ChangeOffer, *, now: datetime
) -> None:
    if change.status is not OrderChangeStatus.PENDING:
        raise _not_pending(change)
    if order.status is OrderStatus.CANCELLED:
        raise InvalidState(f"Order {order.id} is cancelled.", code="already_cancelled")
    if change.is_expired(now):
        raise OfferExpired(
            f"Order change {change.id} expired with its offer; request the change again.",
            code="order_change_expired",
        )
    check_changeable(order, involuntary=change.involuntary)
    if order.version != offer.order_version:
        raise Conflict(
            f"Order {order.id} changed since this change was priced; request it again.",
            code="order_changed",
        )


def _not_pending(change: OrderChange) -> FarebridgeError:
    if change.status is OrderChangeStatus.PENDING:  # another change of the order won
        return Conflict(
            f"Another change of order {change.order_id} is being confirmed; retry shortly.",
            code="change_in_progress",
        )
    if change.status is OrderChangeStatus.CONFIRMED:
        return InvalidState(
            f"Order change {change.id} is already confirmed.", code="already_confirmed"
        )
    if change.status is OrderChangeStatus.CONFIRMING:
        return Conflict(
            f"Order change {change.id} is being confirmed right now.", code="change_in_progress"
        )
    return InvalidState(
        f"Order change {change.id} failed ({change.failure_code}); request the change again.",
        code="change_failed",
    )


def _check_payment(change: OrderChange, payment: PaymentRequest | None) -> None:
    due = change.change_total
    if due.amount > 0:
        if payment is None:
            raise ValidationFailed(
                f"This change costs {due}; send a payment of that amount.",
                field="payment",
                code="payment_required",
            )
        check_amount(payment.amount, due, field="payment.amount", currency_field="payment.currency")
    elif payment is not None and payment.amount.amount != 0:
        raise ValidationFailed(
            "Nothing is due for this change; leave out payment.",
            field="payment",
            code="payment_not_required",
        )


def _book(services: Dependencies, order: Order, offer: ChangeOffer, change: OrderChange) -> Booking:
    """Step 2. Any failure fails the change before it is raised."""
    provider = services.providers.for_order(order)
    try:
        return provider.change_booking(
            order.booking_reference,
            offer.offer,
            order.passengers,
            key=change.id,
            slices=order.slices,
            remove_slice_ids=[item.id for item in change.removed],
            change_total=change.change_total,
            now=services.clock.now(),
        )
    except UpstreamTimeout as timeout:  # the airline may have booked: release
        fail_change(services, change, timeout, release=True)
        raise
    except FarebridgeError as refused:  # a definite no: nothing was booked
        fail_change(services, change, refused, release=False)
        raise
    except Exception as exc:
        log.exception("change.booking_crashed", change_id=change.id)
        crashed = UpstreamUnavailable("The airline system failed while changing the booking.")
        fail_change(services, change, crashed, release=True)
        raise crashed from exc


def _commit(services: Dependencies, order: Order, change: OrderChange, *, charged: bool) -> Booking:
    """Step 3, after the charge: make the change final with the provider. A definite no
    fails the change (the charge refunded); no answer leaves it ``confirming`` for the
    reconciler, which asks ``find_booking(change id)`` what the airline did."""
    provider = services.providers.for_order(order)
    try:
        return provider.commit_change(change.id, now=services.clock.now())
    except UpstreamTimeout:
        log.warning("change.commit_unanswered", change_id=change.id)
        raise
    except FarebridgeError as refused:
        fail_change(services, change, refused, release=True, charged=charged)
        raise
    except Exception as exc:  # outcome unknown, as for a timeout
        log.exception("change.commit_crashed", change_id=change.id)
        raise UpstreamUnavailable(
            "The airline system failed while confirming the change; it will be completed "
            "or undone shortly. Read the change to learn which."
        ) from exc


def _charge(services: Dependencies, change: OrderChange, payment: PaymentRequest) -> None:
    """Step 3. A decline fails the change and releases the new booking."""
    assert change.payment_id is not None
    try:
        result = services.gateway.charge(change.payment_id, payment.amount, payment.method)
    except Exception as exc:  # outcome unknown: the reconciler asks the gateway later
        log.exception("change.charge_unanswered", change_id=change.id)
        raise UpstreamUnavailable(
            "The payment gateway did not answer; the change will be completed or undone "
            "shortly. Read the change to learn which.",
            code="payment_gateway_unavailable",
        ) from exc
    if result.succeeded:
        return
    declined = PaymentFailed(
        result.failure_message or "The payment was declined.",
        code=result.failure_code or "payment_declined",
        field="payment",
    )
    fail_change(services, change, declined, release=True)
    raise declined


def finish_change(
    services: Dependencies, change: OrderChange, booking: Booking, *, charged: bool
) -> OrderChange:
    """Step 4, one commit (see the module docstring). If the order moved on meanwhile
    (cancelled, ticketing, changed otherwise), the change fails instead: the new
    booking is released and the charge refunded. A booking the airline changed in place
    has nothing to release: the order takes the change unless cancelled."""
    now = services.clock.now()
    in_place = booking.in_place
    with services.uow() as uow:
        order = uow.orders.get(change.order_id)
        offer = uow.changes.get_offer(change.change_offer_id)
        if (
            order is not None
            and offer is not None
            and _still_applies(order, change, in_place=in_place)
        ):
            changed = _changed_order(order, change, offer, booking)
            if (
                uow.changes.set_status(
                    change.id,
                    from_status=OrderChangeStatus.CONFIRMING,
                    to_status=OrderChangeStatus.CONFIRMED,
                    confirmed_at=now,
                    new_booking_reference=booking.reference,
                )
                and uow.orders.replace_trip(changed, expected_version=order.version)
                and _resolve_schedule_change(uow, change, now=now)
            ):
                _record_change(uow, services, order, changed, change, now=now, in_place=in_place)
                uow.commit()
                if not in_place:
                    run_job_now(
                        services,
                        JobKind.RELEASE,
                        old_booking_release_key(order.id, order.booking_reference),
                    )
                return replace(
                    change,
                    status=OrderChangeStatus.CONFIRMED,
                    confirmed_at=now,
                    new_booking_reference=booking.reference,
                )
    with services.uow(read_only=True) as uow:
        current = uow.changes.get_change(change.id)
    if current is not None and current.status is OrderChangeStatus.CONFIRMED:
        return current  # finished by the reconciler
    moved_on: FarebridgeError = Conflict(
        f"Order {change.order_id} changed while the change was confirmed; nothing was "
        "changed and any charge is refunded.",
        code="order_changed",
    )
    if change.schedule_change_id is not None:
        with services.uow(read_only=True) as uow:
            disruption = uow.schedule_changes.get(change.schedule_change_id)
        if disruption is not None and not disruption.is_pending:
            moved_on = already_resolved(disruption)
    fail_change(services, change, moved_on, release=True, charged=charged)
    raise moved_on


def _resolve_schedule_change(uow: UnitOfWork, change: OrderChange, *, now: datetime) -> bool:
    """An involuntary change answers its schedule change (``pending → rebooked``) in the
    commit that confirms it; False when it was answered otherwise meanwhile."""
    if change.schedule_change_id is None:
        return True
    return uow.schedule_changes.resolve(
        change.schedule_change_id, ScheduleChangeStatus.REBOOKED, now=now
    )


def _still_applies(order: Order, change: OrderChange, *, in_place: bool) -> bool:
    """The order can take the change: still changeable (for a booking the airline
    already changed in place: not cancelled), on the booking the change replaced."""
    if in_place:
        takes = order.status is not OrderStatus.CANCELLED
    else:
        takes = order.status in CHANGEABLE_STATUSES
    return (
        takes
        and order.booking_reference == change.old_booking_reference
        and {item.id for item in change.removed} <= {item.id for item in order.slices}
    )


def _changed_order(
    order: Order, change: OrderChange, offer: ChangeOffer, booking: Booking
) -> Order:
    removed = [item.id for item in change.removed]
    return replace(
        order,
        slices=slices_after_change(order.slices, removed, offer.added),
        base=offer.new_base,
        tax=offer.new_tax,
        services=kept_services(order, removed),
        booking_reference=booking.reference,
    )


def _record_change(
    uow: UnitOfWork,
    services: Dependencies,
    order: Order,
    changed: Order,
    change: OrderChange,
    *,
    now: datetime,
    in_place: bool,
) -> None:
    """The event, the void tickets and the jobs of a confirmed change."""
    ticketed = order.status is OrderStatus.TICKETED
    voided = uow.orders.remove_documents(order.id) if ticketed else []
    data: dict[str, Any] = {
        "change_id": change.id,
        "removed_slice_ids": [item.id for item in change.removed],
        "added_slice_ids": [item.id for item in change.added],
        "penalty": str(change.penalty),
        "change_total": str(change.change_total),
        "new_total": str(changed.total),
        "old_booking_reference": order.booking_reference,
        "new_booking_reference": changed.booking_reference,
        "voided_tickets": voided,
        "involuntary": change.involuntary,
        "schedule_change_id": change.schedule_change_id,
    }
    uow.orders.add_event(order.note("order.changed", now=now, data=data))
    if not in_place:
        enqueue_old_booking_release(uow, services, order.id, order.booking_reference)
    if ticketed:
        uow.orders.set_ticketing_status(order.id, TicketingStatus.PENDING, synced_at=now)
        enqueue_reissue(uow, services, order.id, changed.booking_reference)
    if change.change_total.amount < 0:
        paid = uow.payments.live_for_order(order.id)
        if paid is not None and paid.status is PaymentStatus.SUCCEEDED:
            refund = change.change_total * -1
            enqueue_refund(uow, services, paid, refund, refund_id=f"refund_{change.id}")


def fail_change(
    services: Dependencies,
    change: OrderChange,
    error: FarebridgeError,
    *,
    release: bool,
    charged: bool = False,
) -> None:
    """confirming → failed in one commit that also queues the release of the new
    booking (and the refund of the change's charge); then tries the release at once.
    Never raises: if the database is down too, the reconciler undoes the change."""
    try:
        with services.uow() as uow:
            won = uow.changes.set_status(
                change.id,
                from_status=OrderChangeStatus.CONFIRMING,
                to_status=OrderChangeStatus.FAILED,
                failure_code=error.code,
            )
            current = uow.changes.get_change(change.id)
            if not won and (current is None or current.status is not OrderChangeStatus.FAILED):
                return  # confirmed by someone else: its booking is the order's now
            if release:
                enqueue_change_release(uow, services, change)
            if charged and change.payment_id is not None:
                payment = Payment(
                    change.payment_id,
                    change.order_id,
                    change.change_total,
                    PaymentMethod(PaymentType.BALANCE),  # a refund needs only the id
                    PaymentStatus.SUCCEEDED,
                    services.clock.now(),
                )
                enqueue_refund(
                    uow, services, payment, change.change_total, refund_id=f"void_{change.id}"
                )
            uow.commit()
    except Exception:
        log.exception("change.fail_not_recorded", change_id=change.id)
        return
    services.checkpoint("change.failed")
    if release:
        run_job_now(services, JobKind.RELEASE, change_release_key(change.id))
    if charged:
        run_job_now(services, JobKind.REFUND, refund_key(f"void_{change.id}"))
