"""Paying a flight_api booking (seed 002's ``POST /payments/{booking_ref}``, ADR 0026).

The seed answers a Stripe PaymentIntent whose ``next_action`` the client completes (a
3-D Secure page), after which a webhook confirms the booking. The sandbox stands in
for both: ``start_payment`` records an intent for the booking's unpaid orders and
gives the client a confirm URL holding a one-time secret (only its SHA-256 is
stored); opening it (``confirm_payment``) pays each order that still awaits payment
through the ordinary payment service, so the unique live payment per order keeps a
double-opened URL, or two intents, from charging twice, and a confirm cut short by a
crash is completed by opening the URL again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from farebridge.domain.account import User
from farebridge.domain.errors import (
    Conflict,
    InvalidState,
    NotFound,
    OrderAlreadyCancelled,
    OrderAlreadyPaid,
    PaymentFailed,
)
from farebridge.domain.flight_api import IntentStatus, PaymentIntent
from farebridge.domain.ids import new_id
from farebridge.domain.order import Order, OrderStatus
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.services import payments, scheduled_bookings
from farebridge.services.ports import Dependencies
from farebridge.services.reads import owned_order
from farebridge.services.scheduled_bookings import Trip

DEFAULT_CARD = "tok_visa"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_payment(
    deps: Dependencies, *, user: User, booking_reference: str, card_token: str | None = None
) -> tuple[PaymentIntent, str, Trip]:
    """A new intent for the booking's unpaid orders and its client secret. Older intents
    still waiting are superseded. Nothing to pay: InvalidState (paid or cancelled)."""
    trip = scheduled_bookings.find_trip(deps, user=user, booking_reference=booking_reference)
    unpaid = [order for order in trip.orders if order.status is OrderStatus.HOLD]
    if not unpaid:
        states = {order.status for order in trip.orders}
        if states <= {OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.FAILED}:
            raise Conflict(
                f"Booking {booking_reference} is cancelled; there is nothing to pay.",
                code="booking_cancelled",
            )
        raise OrderAlreadyPaid(f"Booking {booking_reference} is paid already.")
    secret = secrets.token_urlsafe(24)
    intent = PaymentIntent(
        id=new_id("pi"),
        owner_id=trip.orders[0].owner_id,
        booking_reference=trip.orders[0].booking_reference,
        order_ids=tuple(order.id for order in unpaid),
        secret_hash=_hash(secret),
        card_token=card_token or DEFAULT_CARD,
        status=IntentStatus.REQUIRES_ACTION,
        created_at=deps.clock.now(),
    )
    with deps.uow() as uow:
        while (
            older := uow.flight_api.open_intent(intent.owner_id, intent.booking_reference)
        ) is not None:
            uow.flight_api.move_intent(
                older.id,
                expected=IntentStatus.REQUIRES_ACTION,
                to=IntentStatus.FAILED,
                failure=f"superseded by {intent.id}",
            )
        uow.flight_api.add_intent(intent)
        uow.commit()
    return intent, secret, trip


def confirm_payment(
    deps: Dependencies, *, intent_id: str, secret: str
) -> tuple[PaymentIntent, Trip]:
    """Complete the intent: pay each of its orders still on hold (a declined card
    fails the intent and raises PaymentFailed). A wrong secret is as unknown as a
    missing intent; a completed intent answers again as it did."""
    with deps.uow(read_only=True) as uow:
        intent = uow.flight_api.intent(intent_id)
        owner = uow.users.get(intent.owner_id) if intent is not None else None
    if (
        intent is None
        or owner is None
        or not hmac.compare_digest(intent.secret_hash, _hash(secret))
    ):
        raise NotFound(f"No payment intent {intent_id}.", code="payment_intent_not_found")
    if intent.status is IntentStatus.FAILED:
        raise Conflict(
            f"Payment intent {intent.id} failed ({intent.failure}); "
            "ask POST /payments/{booking_ref} for a new one.",
            code="payment_intent_failed",
        )
    if intent.status is IntentStatus.REQUIRES_ACTION:
        method = PaymentMethod(PaymentType.CARD, intent.card_token)
        for order_id in intent.order_ids:
            try:
                _pay(deps, owner, order_id, method)
            except OrderAlreadyPaid:  # a concurrent confirm paid it
                continue
            except (PaymentFailed, InvalidState, OrderAlreadyCancelled) as failed:  # final
                _fail(deps, intent, failed.message)
                raise
        with deps.uow() as uow:
            uow.flight_api.move_intent(
                intent.id,
                expected=IntentStatus.REQUIRES_ACTION,
                to=IntentStatus.SUCCEEDED,
                now=deps.clock.now(),
            )
            uow.commit()
            intent = uow.flight_api.intent(intent.id) or intent
    trip = scheduled_bookings.find_trip(
        deps, user=owner, booking_reference=intent.booking_reference
    )
    return intent, trip


def _pay(deps: Dependencies, owner: User, order_id: str, method: PaymentMethod) -> None:
    with deps.uow(read_only=True) as uow:
        order: Order = owned_order(uow, owner, order_id)
    if order.status is not OrderStatus.HOLD:
        if order.is_paid:
            return
        raise OrderAlreadyCancelled(
            f"Booking {order.booking_reference} can no longer be paid ({order.status.value}).",
            code="order_not_payable",
        )
    amount = order.amount_due(deps.gateway.card_type(method))
    payments.pay_order(deps, user=owner, order_id=order_id, amount=amount, method=method)


def _fail(deps: Dependencies, intent: PaymentIntent, reason: str) -> None:
    with deps.uow() as uow:
        uow.flight_api.move_intent(
            intent.id,
            expected=IntentStatus.REQUIRES_ACTION,
            to=IntentStatus.FAILED,
            now=deps.clock.now(),
            failure=reason,
        )
        uow.commit()
