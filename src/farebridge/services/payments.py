"""Paying a held order (seed 000 step 6): 409 already paid, 422 mismatch, 402 declined.

Three short steps so that no payment is lost or doubled across a crash:
1. record the payment as ``pending`` — a unique index allows one live payment
   per order, so a concurrent second payer gets a clean 409;
2. charge the gateway, idempotent on the payment id;
3. in one transaction: payment ``succeeded``, order ``hold → paid`` (a
   compare-and-set), the event row and the ticketing job. If the hold expired
   or was cancelled meanwhile, the payment's refund is queued instead.

A payment left ``pending`` by a crash is resolved — settled if the gateway
charged it, failed if not — by the reconciler, or at once by the next attempt
to pay once the recovery grace has passed, before that attempt is refused.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from farebridge.domain.account import User
from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.domain.errors import (
    FarebridgeError,
    InvalidState,
    OrderAlreadyCancelled,
    OrderAlreadyPaid,
    PaymentFailed,
    PaymentInProgress,
    UpstreamUnavailable,
)
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.order import Order, OrderStatus, check_transition
from farebridge.domain.payment import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    PaymentType,
    check_amount,
    payment_failed,
)
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.ports import Dependencies, PaymentInFlight
from farebridge.services.reads import owned_order
from farebridge.services.releases import enqueue_refund, refund_key
from farebridge.services.ticketing import enqueue_ticketing

log = structlog.get_logger(__name__)


def pay_order(
    deps: Dependencies, *, user: User, order_id: str, amount: Money, method: PaymentMethod
) -> Payment:
    payment = _record(deps, user, order_id, amount, method)
    deps.checkpoint("payment.recorded")
    try:
        result = deps.gateway.charge(payment.id, amount, method)
    except Exception as exc:  # outcome unknown: resolved from the gateway later
        log.exception("payment.charge_unanswered", payment_id=payment.id)
        raise UpstreamUnavailable(
            "The payment gateway did not answer; the payment will be settled or failed "
            "shortly. Check the order before paying again.",
            code="payment_gateway_unavailable",
        ) from exc
    deps.checkpoint("payment.charged")
    if not result.succeeded:
        _fail(deps, payment, result.failure_code, code=result.failure_code or "payment_declined")
        raise PaymentFailed(
            result.failure_message or "The payment was declined.",
            code=result.failure_code or "payment_declined",
        )
    settled = _settle(deps, payment)
    deps.checkpoint("payment.settled")
    return settled


def _record(
    deps: Dependencies, user: User, order_id: str, amount: Money, method: PaymentMethod
) -> Payment:
    """Step 1; a stale pending payment in the way is resolved first, once."""
    for attempt in range(2):
        now = deps.clock.now()
        payment = Payment(new_id("pay"), order_id, amount, method, PaymentStatus.PENDING, now)
        with deps.uow() as uow:
            order = owned_order(uow, user, order_id)
            _check_payable(order, now=now)
            card_type = deps.gateway.card_type(method)
            surcharge = order.amount_due(card_type) - order.total
            check_amount(amount, order.total + surcharge, surcharge=surcharge)
            try:
                uow.payments.add(payment)
            except PaymentInFlight:
                live = uow.payments.live_for_order(order_id)
            else:
                uow.audit.record(
                    AuditEntry(
                        AuditAction.ORDER_PAID,
                        user.id,
                        now,
                        order_id=order_id,
                        data={"payment_id": payment.id, "amount": str(amount)},
                    )
                )
                uow.commit()
                return payment
        if live is None or live.status is PaymentStatus.SUCCEEDED:
            raise OrderAlreadyPaid(f"Order {order_id} is already paid.")
        if attempt == 1 or live.created_at > now - deps.policies.recovery_grace:
            raise PaymentInProgress(
                f"Another payment of order {order_id} is being charged; retry shortly."
            )
        try:
            resolve_payment(deps, live)
        except Exception as exc:  # the gateway cannot say yet: the earlier payment stands
            log.warning("payment.resolve_failed", payment_id=live.id, error=repr(exc))
            raise PaymentInProgress(
                f"An earlier payment of order {order_id} is not settled yet; retry shortly."
            ) from exc
    raise AssertionError("unreachable")


def _check_payable(order: Order, *, now: datetime) -> None:
    if order.is_past_payment_deadline(now) or order.status is OrderStatus.EXPIRED:
        raise InvalidState(
            f"Order {order.id} passed its payment deadline and has expired.", code="order_expired"
        )
    check_transition(order.id, order.status, OrderStatus.PAID)


def _settle(deps: Dependencies, payment: Payment) -> Payment:
    """Step 3. Raises, after queueing the refund, if the hold moved on meanwhile."""
    now = deps.clock.now()
    succeeded = Payment(
        payment.id,
        payment.order_id,
        payment.amount,
        payment.method,
        PaymentStatus.SUCCEEDED,
        payment.created_at,
    )
    with deps.uow() as uow:
        if not uow.payments.set_status(
            payment.id, from_status=PaymentStatus.PENDING, to_status=PaymentStatus.SUCCEEDED
        ):
            settled = uow.payments.get(payment.id)
            assert settled is not None
            if settled.status is not PaymentStatus.FAILED:
                return settled  # settled by someone else (a retry or the reconciler)
            # Given up as never charged while the charge was still on its way: give it back.
            enqueue_refund(uow, deps, succeeded, payment.amount, refund_id=f"void_{payment.id}")
            uow.commit()
            run_job_now(deps, JobKind.REFUND, refund_key(f"void_{payment.id}"))
            raise UpstreamUnavailable(
                "The payment took too long and was given up; the charge is refunded. Pay again.",
                code="payment_interrupted",
            )
        order = uow.orders.get(payment.order_id)
        assert order is not None
        if order.status is OrderStatus.HOLD and uow.orders.apply(
            order.pay(now=now, payment_id=payment.id),
            paid_at=now,
            surcharge=_surcharge_paid(order, payment),
        ):
            enqueue_ticketing(uow, deps, order.id)
            uow.commit()
            return succeeded
        # The hold expired or was cancelled while the card was charged: give it back.
        refund_id = f"void_{payment.id}"
        enqueue_refund(uow, deps, succeeded, payment.amount, refund_id=refund_id)
        uow.commit()
    run_job_now(deps, JobKind.REFUND, refund_key(refund_id))
    if order.status is OrderStatus.CANCELLED:
        raise OrderAlreadyCancelled(f"Order {order.id} was cancelled; the payment was refunded.")
    raise InvalidState(f"Order {order.id} expired; the payment was refunded.", code="order_expired")


def _surcharge_paid(order: Order, payment: Payment) -> Money | None:
    """The card fee in a card payment: what it paid beyond the order's total."""
    if payment.method.type is not PaymentType.CARD:
        return None
    return payment.amount - order.total


def resolve_payment(deps: Dependencies, payment: Payment) -> None:
    """Settle or fail one payment a crash left pending, from what the gateway says."""
    result = deps.gateway.find_charge(payment.id)
    if result is not None and result.succeeded:
        try:
            _settle(deps, payment)
        except FarebridgeError as exc:  # refunded because the hold moved on
            log.info("payment.recovered_refunded", payment_id=payment.id, code=exc.code)
        return
    failure_code = result.failure_code if result else "not_charged"
    _fail(deps, payment, failure_code, code=failure_code or "payment_declined")


def _fail(deps: Dependencies, payment: Payment, failure_code: str | None, *, code: str) -> None:
    """pending → failed, and the order's ``payment.failed`` event, in one transaction."""
    with deps.uow() as uow:
        if uow.payments.set_status(
            payment.id,
            from_status=PaymentStatus.PENDING,
            to_status=PaymentStatus.FAILED,
            failure_code=failure_code,
        ) and (order := uow.orders.get(payment.order_id)):
            uow.orders.add_event(
                payment_failed(payment, order_status=order.status, code=code, now=deps.clock.now())
            )
        uow.commit()


def reconcile_pending_payments(deps: Dependencies) -> int:
    """Resolve hold payments pending past the grace (an instant order's payment is
    resolved with its order, by ``services.recovery``). Returns how many."""
    cutoff = deps.clock.now() - deps.policies.recovery_grace
    with deps.uow(read_only=True) as uow:
        stale = [
            payment
            for payment in uow.payments.stale_pending(cutoff)
            if (order := uow.orders.get(payment.order_id)) is not None
            and order.status is not OrderStatus.PENDING
        ]
    for payment in stale:
        try:
            resolve_payment(deps, payment)
        except Exception as exc:  # one stuck payment must not stop the others
            log.warning("payment.resolve_failed", payment_id=payment.id, error=repr(exc))
    return len(stale)


def payment_of(deps: Dependencies, *, user: User, order_id: str) -> Payment | None:
    """The payment that pays (or is paying) one of the caller's orders; None if unpaid."""
    with deps.uow(read_only=True) as uow:
        order = owned_order(uow, user, order_id)
        return uow.payments.live_for_order(order.id)
