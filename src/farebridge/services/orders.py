"""Creating, reading and annotating orders (seed 000 step 5, and instant orders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import structlog

from farebridge.domain.account import User
from farebridge.domain.errors import (
    FarebridgeError,
    InvalidRequest,
    InvalidState,
    OfferPriceChanged,
    OrderNotFound,
    PaymentFailed,
)
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import (
    Order,
    OrderEvent,
    OrderStatus,
    OrderType,
    Passenger,
    services_total,
)
from farebridge.domain.payment import Payment, PaymentMethod, PaymentStatus, check_amount
from farebridge.providers.base import Booking
from farebridge.services.passengers import match_passengers
from farebridge.services.ports import (
    Dependencies,
    DuplicateIdempotencyKey,
    Page,
    PageRequest,
    UnitOfWork,
)
from farebridge.services.search import load_offer
from farebridge.services.ticketing import enqueue_ticketing

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    amount: Money
    method: PaymentMethod


@dataclass(frozen=True, slots=True)
class CreateOrder:
    type: OrderType
    offer_id: str
    passengers: list[Passenger]
    payment: PaymentRequest | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    # (service id, quantity): seats from the seat maps, bags from the offer
    services: list[tuple[str, int]] = field(default_factory=list)


class _Replayed(Exception):
    def __init__(self, order: Order) -> None:
        self.order = order


def create_order(deps: Dependencies, *, user: User, command: CreateOrder) -> Order:
    """Book with the provider, charge if instant, then record everything in one commit.

    Nothing is half-written: a decline, a sold-out flight or a failed commit
    cancels the upstream booking and refunds the charge before the error is
    returned. The same ``idempotency_key`` returns the first order.
    """
    with deps.uow(read_only=True) as uow:
        if command.idempotency_key:
            existing = uow.orders.get_by_idempotency_key(user.id, command.idempotency_key)
            if existing is not None:
                return existing
        offer = load_offer(uow, deps, user, command.offer_id)
    passengers = match_passengers(offer, command.passengers)
    services = (
        tuple(deps.provider.price_services(offer, command.services)) if command.services else ()
    )
    _check_payment_terms(
        offer, command, offer.total + services_total(services, offer.total.currency)
    )
    now = deps.clock.now()
    try:
        booking = deps.provider.create_booking(
            offer, passengers, hold=command.type is OrderType.HOLD, now=now, services=services
        )
    except OfferPriceChanged as changed:
        _store_repriced(deps, changed)
        raise
    order = _new_order(user, offer, booking, passengers, command, deps)
    order.services = services
    payment: Payment | None = None
    try:
        if command.payment is not None:
            payment = _charge(deps, order, command.payment)
        _record(deps, order, payment, command.idempotency_key)
    except _Replayed as replay:
        _compensate(deps, booking, payment)
        return replay.order
    except BaseException:
        _compensate(deps, booking, payment)
        raise
    return order


def _store_repriced(deps: Dependencies, changed: OfferPriceChanged) -> None:
    """Keep the airline's new price, so that the client's re-fetch shows it."""
    with deps.uow() as uow:
        uow.offers.replace(changed.repriced)
        uow.commit()


def _check_payment_terms(offer: Offer, command: CreateOrder, due: Money) -> None:
    if command.type is OrderType.INSTANT:
        if command.payment is None:
            raise InvalidRequest(
                "An instant order needs exactly one payment.",
                field="payments",
                code="payment_required",
            )
        check_amount(command.payment.amount, due, field="payments[0].amount")
        return
    if command.payment is not None:
        raise InvalidRequest(
            "A hold order is paid later with POST /payments; leave out payments.",
            field="payments",
            code="payments_not_allowed",
        )
    if offer.requires_instant_payment:
        raise InvalidState(
            f"{offer.owner.name} fares cannot be held; create an instant order.",
            field="type",
            code="instant_payment_required",
        )


def _new_order(
    user: User,
    offer: Offer,
    booking: Booking,
    passengers: tuple[Passenger, ...],
    command: CreateOrder,
    deps: Dependencies,
) -> Order:
    now = deps.clock.now()
    instant = command.type is OrderType.INSTANT
    return Order(
        id=new_id("ord"),
        owner_id=user.id,
        offer_id=offer.id,
        type=command.type,
        status=OrderStatus.INSTANT if instant else OrderStatus.HOLD,
        booking_reference=booking.reference,
        owner=offer.owner,
        slices=offer.slices,
        passengers=passengers,
        base=offer.base,
        tax=offer.tax,
        conditions=offer.conditions,
        fare_brand_name=offer.fare_brand_name,
        created_at=now,
        payment_required_by=None if instant else booking.payment_required_by,
        paid_at=now if instant else None,
        synced_at=now,
        metadata=dict(command.metadata),
    )


def _charge(deps: Dependencies, order: Order, request: PaymentRequest) -> Payment:
    payment = Payment(
        new_id("pay"),
        order.id,
        request.amount,
        request.method,
        PaymentStatus.SUCCEEDED,
        deps.clock.now(),
    )
    result = deps.gateway.charge(payment.id, payment.amount, payment.method)
    if not result.succeeded:
        raise PaymentFailed(
            result.failure_message or "The payment was declined.",
            code=result.failure_code or "payment_declined",
            field="payments[0]",
        )
    return payment


def _record(deps: Dependencies, order: Order, payment: Payment | None, key: str | None) -> None:
    with deps.uow() as uow:
        try:
            uow.orders.add(order, idempotency_key=key)
        except DuplicateIdempotencyKey:
            existing = uow.orders.get_by_idempotency_key(order.owner_id, key or "")
            assert existing is not None
            raise _Replayed(existing) from None
        uow.orders.add_event(
            OrderEvent(
                order.id,
                "order.created",
                None,
                order.status,
                order.created_at,
                {"type": order.type.value},
            )
        )
        if payment is not None:
            uow.payments.add(payment)
            enqueue_ticketing(uow, deps, order.id)
        uow.commit()


def _compensate(deps: Dependencies, booking: Booking, payment: Payment | None) -> None:
    """Undo the upstream side effects of an order that was not recorded."""
    try:
        if payment is not None:
            deps.gateway.refund(payment.id, payment.amount)
        deps.provider.cancel_booking(booking.reference, now=deps.clock.now())
    except FarebridgeError:
        log.error("order.compensation_failed", booking_reference=booking.reference)


def owned_order(uow: UnitOfWork, user: User, order_id: str) -> Order:
    """Someone else's order is indistinguishable from a missing one: 404."""
    order = uow.orders.get(order_id)
    if order is None or not user.may_see(order.owner_id):
        raise OrderNotFound(f"No order {order_id}.", field="order_id")
    return order


def get_order(deps: Dependencies, *, user: User, order_id: str) -> Order:
    with deps.uow(read_only=True) as uow:
        return owned_order(uow, user, order_id)


def list_orders(deps: Dependencies, *, user: User, page: PageRequest) -> Page[Order]:
    with deps.uow(read_only=True) as uow:
        return uow.orders.list_for_owner(user.id, page)


def update_order_metadata(
    deps: Dependencies, *, user: User, order_id: str, metadata: dict[str, Any]
) -> Order:
    """Merge ``metadata`` into the order's; a key set to null is removed."""
    with deps.uow() as uow:
        order = owned_order(uow, user, order_id)
        merged = {**order.metadata, **metadata}
        merged = {k: v for k, v in merged.items() if v is not None}
        uow.orders.update_metadata(order_id, merged)
        uow.commit()
    order.metadata = merged
    return order
