"""Cancel an order: first a refund quote, then its confirmation.

Confirmation is a compare-and-set on the order (from the status the quote was
computed for), so a quote can never be used twice or after the order moved
on. Releasing the seats upstream and refunding are durable, idempotent jobs
(``services/releases.py``) enqueued in the same transaction; the seat release
is also attempted at once, the refund runs in the worker.

Online cancellation closes at the cut-off before departure (ADR 0020), checked by the
quote and again by the confirmation. The reason ``schedule_change`` asks for an
involuntary cancellation: allowed only while the airline's change of the order waits
for an answer, it refunds everything charged and knows no cut-off; its confirmation
resolves the schedule change (``pending → cancelled``) in the same commit, so it
cannot also be accepted or rebooked.
"""

from __future__ import annotations

from datetime import datetime

from farebridge.domain.account import User
from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.domain.cancellation import (
    INVOLUNTARY_REASON,
    QUOTE_LIFETIME,
    CancellationQuote,
    check_cancellation_window,
    quote_refund,
)
from farebridge.domain.documents import DocumentKind
from farebridge.domain.errors import (
    Conflict,
    InvalidState,
    NotFound,
    OrderAlreadyCancelled,
    ScheduleChangeResolved,
)
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order, OrderStatus
from farebridge.domain.payment import PaymentStatus
from farebridge.domain.schedule_changes import ScheduleChangeStatus
from farebridge.services.documents import enqueue_render
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.reads import owned_order
from farebridge.services.releases import enqueue_refund, enqueue_release, release_key


def quote_cancellation(
    deps: Dependencies, *, user: User, order_id: str, reason: str
) -> CancellationQuote:
    now = deps.clock.now()
    with deps.uow() as uow:
        order = owned_order(uow, user, order_id)
        quote = quote_for(uow, deps, order, reason=reason, now=now)
        uow.commit()
    return quote


def quote_for(
    uow: UnitOfWork, deps: Dependencies, order: Order, *, reason: str, now: datetime
) -> CancellationQuote:
    """Quote ``order``'s cancellation and store the quote (the caller commits); who may ask
    is the caller's check (the owner, or a manage token's holder)."""
    involuntary = reason == INVOLUNTARY_REASON
    if involuntary and not uow.schedule_changes.pending_for_order(order.id):
        raise InvalidState(
            f"Order {order.id} has no airline change waiting for an answer; cancel it "
            "with another reason.",
            code="no_schedule_change",
            field="reason",
        )
    refund, penalty = quote_refund(
        order, now=now, cutoff=deps.policies.cancellation_cutoff, involuntary=involuntary
    )
    quote = CancellationQuote(
        id=new_id("ore"),
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
    return quote


def confirm_cancellation(
    deps: Dependencies, *, user: User, order_id: str, quote_id: str
) -> tuple[Order, CancellationQuote]:
    now = deps.clock.now()
    with deps.uow() as uow:
        order = owned_order(uow, user, order_id)
        quote = cancel_with_quote(uow, deps, order, quote_id, now=now, actor_id=user.id)
        uow.commit()
    after_cancellation(deps, order.id)
    with deps.uow(read_only=True) as uow:
        confirmed = uow.cancellations.get(quote.id)
        return owned_order(uow, user, order_id), confirmed or quote


def cancel_with_quote(
    uow: UnitOfWork,
    deps: Dependencies,
    order: Order,
    quote_id: str,
    *,
    now: datetime,
    actor_id: str | None,
    via: str | None = None,
) -> CancellationQuote:
    """Cancel ``order`` with its quote ``quote_id`` (the caller commits): a compare-and-set
    from the quoted status, the seats released and the refund queued as jobs, the receipt
    queued, an audit entry by ``actor_id`` (None with ``via``: a manage token's holder)."""
    quote = uow.cancellations.get(quote_id)
    if quote is None or quote.order_id != order.id:
        raise NotFound(
            f"No cancellation quote {quote_id} for this order.",
            code="cancellation_not_found",
            field="cancellation_id",
        )
    _check_confirmable(order, quote, now=now)
    if quote.reason == INVOLUNTARY_REASON:
        _resolve_schedule_changes(uow, order, now=now)
    else:
        check_cancellation_window(order, now=now, cutoff=deps.policies.cancellation_cutoff)
    event = order.cancel(now=now, cancellation_id=quote.id, refund=quote.refund, via=via)
    if not uow.orders.apply(event, cancelled_at=now) or not uow.cancellations.confirm(
        quote.id, now=now
    ):
        raise _moved_on(order.id)
    enqueue_release(uow, deps, order)
    if order.status is OrderStatus.HOLD:  # never paid: its coupon use comes back (ADR 0024)
        uow.coupons.release(order.id)
    enqueue_render(uow, deps, order.id, DocumentKind.CANCELLATION_RECEIPT, cause=quote.id)
    data = {"cancellation_id": quote.id, "refund": str(quote.refund)}
    uow.audit.record(
        AuditEntry(
            AuditAction.ORDER_CANCELLED,
            actor_id,
            now,
            order_id=order.id,
            data=data if via is None else {**data, "via": via},
        )
    )
    paid = uow.payments.live_for_order(order.id)
    if quote.refund.amount > 0 and paid and paid.status is PaymentStatus.SUCCEEDED:
        enqueue_refund(uow, deps, paid, quote.refund, refund_id=quote.id)
    return quote


def after_cancellation(deps: Dependencies, order_id: str) -> None:
    """Once committed: release the seats upstream now (the job retries if this fails)."""
    deps.checkpoint("cancellation.confirmed")
    run_job_now(deps, JobKind.RELEASE, release_key(order_id))


def _check_confirmable(order: Order, quote: CancellationQuote, *, now: datetime) -> None:
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


def _resolve_schedule_changes(uow: UnitOfWork, order: Order, *, now: datetime) -> None:
    """An involuntary cancellation answers the order's pending airline changes; 409 when
    one was answered otherwise meanwhile (accepted, rebooked)."""
    pending = uow.schedule_changes.pending_for_order(order.id)
    if not pending:
        raise ScheduleChangeResolved(
            f"The airline change of order {order.id} was already answered; ask for a new quote."
        )
    for change in pending:
        if not uow.schedule_changes.resolve(change.id, ScheduleChangeStatus.CANCELLED, now=now):
            raise ScheduleChangeResolved(
                f"Schedule change {change.id} was answered meanwhile; nothing was cancelled."
            )


def _moved_on(order_id: str) -> Conflict:
    return Conflict(
        f"Order {order_id} changed since the quote; ask for a new quote.", code="order_changed"
    )


def get_cancellation(
    deps: Dependencies, *, user: User, cancellation_id: str
) -> tuple[CancellationQuote, Order]:
    """One cancellation (quote or confirmed) of one of the caller's orders, with its order."""
    with deps.uow(read_only=True) as uow:
        quote = uow.cancellations.get(cancellation_id)
        if quote is None:
            raise NotFound(f"No cancellation {cancellation_id}.", code="cancellation_not_found")
        try:
            order = owned_order(uow, user, quote.order_id)
        except NotFound:
            raise NotFound(
                f"No cancellation {cancellation_id}.", code="cancellation_not_found"
            ) from None
        return quote, order


def list_cancellations(
    deps: Dependencies, *, user: User, order_id: str
) -> tuple[list[CancellationQuote], Order]:
    """Every cancellation quote of one of the caller's orders, oldest first."""
    with deps.uow(read_only=True) as uow:
        order = owned_order(uow, user, order_id)
        return uow.cancellations.list_for_order(order.id), order
