"""Creating an order (seed 000 step 5, and instant orders) with one crash-safe protocol.

1. **record** — the order row (``pending``) and, for an instant order, its payment
   (``pending``), with the idempotency key and the request's fingerprint,
   committed before anyone upstream is asked anything;
2. **book** with the offer's provider, keyed by the order id, so a retry or the
   reconciler finds the very same booking (``Provider.find_booking``);
3. **charge** the gateway, keyed by the payment id (instant orders only);
4. **confirm** — order ``pending → hold | instant`` with its booking reference,
   payment ``succeeded``, the ticketing job: one commit.

When the airline or the card says no, the order becomes ``failed`` and the release
of anything booked is queued in the same commit, then tried at once; the client
gets the error. A crash anywhere leaves a ``pending`` order that
``services.recovery`` completes (booked and charged) or undoes (anything less).
Each step boundary is reported to ``deps.checkpoint`` for the crash tests.

Idempotency (Stripe's rules): the same ``Idempotency-Key`` with the same body
replays the first outcome — the order, or the error it failed with; with another
body it is 422 ``idempotency_key_reused``; while the first request still runs,
a duplicate waits briefly for its outcome, then gets 409 ``idempotency_in_progress``.

Duplicate bookings (ADR 0015): the same passengers on the same flights as a live
order of the account is 409 ``duplicate_booking`` naming that order, unless the
command confirms the duplicate; step 1 claims them under a unique key, so two
identical orders at once cannot both pass. A booking that timed out fails its order
(and releases whatever the airline booked), which frees the claim for the retry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from typing import Any

import structlog

from farebridge.domain.access import Owner, may_act_for, require_role, visible_scope
from farebridge.domain.account import Role, User
from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.domain.errors import (
    DepartureTooSoon,
    FarebridgeError,
    InvalidRequest,
    InvalidState,
    NotFound,
    OfferPriceChanged,
    PaymentFailed,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from farebridge.domain.hygiene import check_metadata
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.domain.order import (
    Order,
    OrderService,
    OrderStatus,
    OrderType,
    Passenger,
    services_total,
)
from farebridge.domain.payment import Payment, PaymentMethod, PaymentStatus, check_amount
from farebridge.providers.base import NO_SCENARIOS, Booking, Provider
from farebridge.services import metrics, order_steps
from farebridge.services.coupons import AppliedCoupon, apply_coupon
from farebridge.services.idempotency import replay_order
from farebridge.services.order_steps import fail_order
from farebridge.services.passengers import match_passengers
from farebridge.services.ports import (
    Dependencies,
    DuplicateIdempotencyKey,
    OrderFilter,
    Page,
    PageRequest,
    UnitOfWork,
)
from farebridge.services.reads import owned_order
from farebridge.services.search import load_offer
from farebridge.services.seat_assignment import (
    assigned_service_ids,
    book_with_assigned_seats,
    preferences_of,
    with_assigned_seats,
)

log = structlog.get_logger(__name__)
LATE_BOOKING_WINDOW = timedelta(minutes=2)  # after a booking timeout, release once more then


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
    scenarios: frozenset[str] = NO_SCENARIOS  # test faults (Sandbox-Fault)
    # book even if a live order has the same passengers on the same flights (ADR 0015)
    confirm_duplicate: bool = False
    # an agent (or admin) booking for a customer: the customer owns the order (ADR 0021)
    customer_id: str | None = None
    # extras farebridge prices itself, added to the order as they are: the flight_api
    # dialect's excess baggage booked ahead (type "excess_baggage", ADR 0026)
    extras: tuple[OrderService, ...] = ()
    # a coupon to redeem (ADR 0024); an unknown or spent one fails the request (400)
    coupon_code: str | None = None

    def fingerprint(self) -> str:
        """What makes two requests "the same" for an idempotency key."""
        body = asdict(self)
        body.pop("idempotency_key")
        if body["customer_id"] is None:  # as before ADR 0021: keys in flight still match
            body.pop("customer_id")
        if body["coupon_code"] is None:  # as before ADR 0024
            body.pop("coupon_code")
        for passenger in body["passengers"]:  # likewise before ADR 0025
            if passenger["seat_preference"] is None:
                passenger.pop("seat_preference")
        body["scenarios"] = sorted(self.scenarios)
        text = json.dumps(body, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def create_order(deps: Dependencies, *, user: User, command: CreateOrder) -> Order:
    """Book an offer, charge it if instant; see the module docstring for the protocol.
    With ``command.customer_id`` the order is the customer's and ``user`` its actor."""
    check_metadata(command.metadata)
    owner = _owner(deps, user, command.customer_id)
    fingerprint = command.fingerprint()
    if command.idempotency_key:
        replayed = replay_order(deps, owner, command.idempotency_key, fingerprint)
        if replayed is not None:
            return replayed
    with deps.uow(read_only=True) as uow:
        offer = load_offer(uow, deps, user, command.offer_id)
        _check_hold_cap(deps, uow, owner, command)
    _check_departure(deps, offer)
    provider = deps.providers.for_offer(offer)
    passengers = match_passengers(offer, command.passengers, today=deps.clock.now().date())
    services = with_assigned_seats(
        deps, provider, offer, preferences_of(passengers), command.services
    )
    services += command.extras
    surcharge = _card_surcharge(deps, offer, command)
    gross = offer.total + services_total(services, offer.total.currency)
    coupon = _coupon(deps, offer, command, gross)
    discount = coupon.discount if coupon is not None else None
    due = gross - discount if discount is not None else gross
    _check_payment_terms(offer, command, due, surcharge)
    order, payment = _pending(deps, owner, offer, passengers, services, command)
    order = replace(
        order,
        surcharge=surcharge,
        coupon_code=coupon.code if coupon is not None else None,
        discount=discount,
    )
    try:
        order_steps.record(
            deps,
            order,
            payment,
            command.idempotency_key,
            fingerprint,
            confirm_duplicate=command.confirm_duplicate,
            actor_id=user.id,
            coupon_id=coupon.coupon_id if coupon is not None else None,
        )
    except DuplicateIdempotencyKey:
        key = command.idempotency_key or ""
        replayed = replay_order(deps, owner, key, fingerprint)
        if replayed is not None:
            return replayed
        return create_order(deps, user=user, command=command)  # the first one gave its key back
    deps.checkpoint("order.recorded")
    assigned = assigned_service_ids(order.services, command.services)
    booking, order = _book(deps, provider, offer, order, payment, command, assigned)
    deps.checkpoint("order.booked")
    if payment is not None:
        _charge(deps, order, payment, booking)
        deps.checkpoint("order.charged")
    confirmed = order_steps.confirm(deps, order, payment, booking)
    deps.checkpoint("order.confirmed")
    metrics.count_booking(provider.name)
    log.info("order.booked", order_id=confirmed.id, provider=provider.name)
    return confirmed


def _check_hold_cap(deps: Dependencies, uow: UnitOfWork, owner: User, command: CreateOrder) -> None:
    """A fast refusal before any upstream work; ``order_steps.record`` decides under a
    lock (two holds at once cannot both take the last place)."""
    if command.type == OrderType.HOLD:
        order_steps.check_hold_cap(deps, uow, owner.id, deps.clock.now())


def _owner(deps: Dependencies, actor: User, customer_id: str | None) -> User:
    """Whose order it will be: the actor's own, or (an agent's or admin's request) the
    customer's. A customer may not book for anyone else (403); a customer out of the
    agent's reach is as unknown as a missing one (404)."""
    if customer_id is None or customer_id == actor.id:
        return actor
    require_role(actor, Role.AGENT)
    with deps.uow(read_only=True) as uow:
        customer = uow.users.get(customer_id)
    if customer is None or not may_act_for(actor, Owner(customer.id, customer.agency_id)):
        raise NotFound(
            f"No customer {customer_id}.", code="customer_not_found", field="customer_id"
        )
    return customer


def _pending(
    deps: Dependencies,
    user: User,
    offer: Offer,
    passengers: tuple[Passenger, ...],
    services: tuple[OrderService, ...],
    command: CreateOrder,
) -> tuple[Order, Payment | None]:
    now = deps.clock.now()
    order = Order(
        id=new_id("ord"),
        owner_id=user.id,
        offer_id=offer.id,
        type=command.type,
        status=OrderStatus.PENDING,
        booking_reference="",
        owner=offer.owner,
        slices=offer.slices,
        passengers=passengers,
        base=offer.base,
        tax=offer.tax,
        conditions=offer.conditions,
        fare_brand_name=offer.fare_brand_name,
        created_at=now,
        payment_required_by=None,
        metadata=dict(command.metadata),
        services=services,
        provider=offer.provider,
        scenarios=command.scenarios,
        card_surcharges=offer.card_surcharges,
    )
    request = command.payment
    payment = (
        Payment(new_id("pay"), order.id, request.amount, request.method, PaymentStatus.PENDING, now)
        if request is not None
        else None
    )
    return order, payment


def _check_departure(deps: Dependencies, offer: Offer) -> None:
    lead = deps.policies.min_departure_lead
    if offer.departs_too_soon(now=deps.clock.now(), lead=lead):
        raise DepartureTooSoon(
            f"The first flight of offer {offer.id} leaves at "
            f"{offer.slices[0].departing_at.isoformat()}: booking closes "
            f"{int(lead.total_seconds() // 60)} minutes before departure. Search again.",
            field="selected_offers",
        )


def _coupon(
    deps: Dependencies, offer: Offer, command: CreateOrder, gross: Money
) -> AppliedCoupon | None:
    """The command's coupon priced for this offer (ADR 0024); its use is taken when the
    order is recorded."""
    if command.coupon_code is None:
        return None
    with deps.uow(read_only=True) as uow:
        return apply_coupon(uow, deps, command.coupon_code, fare=offer.total, spend=gross)


def _card_surcharge(deps: Dependencies, offer: Offer, command: CreateOrder) -> Money | None:
    """The card fee an instant order's card payment pays (None: no card payment)."""
    if command.type is not OrderType.INSTANT or command.payment is None:
        return None
    card_type = deps.gateway.card_type(command.payment.method)
    return None if card_type is None else offer.card_surcharge(card_type)


def _check_payment_terms(
    offer: Offer, command: CreateOrder, due: Money, surcharge: Money | None
) -> None:
    if command.type is OrderType.INSTANT:
        if command.payment is None:
            raise InvalidRequest(
                "An instant order needs exactly one payment.",
                field="payments",
                code="payment_required",
            )
        check_amount(
            command.payment.amount,
            due + surcharge if surcharge is not None else due,
            field="payments[0].amount",
            currency_field="payments[0].currency",
            surcharge=surcharge,
        )
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


def _book(
    deps: Dependencies,
    provider: Provider,
    offer: Offer,
    order: Order,
    payment: Payment | None,
    command: CreateOrder,
    assigned: frozenset[str],
) -> tuple[Booking, Order]:
    """Step 2, which may assign the ``assigned`` seats again (ADR 0025); any failure
    marks the order failed before it is raised."""
    try:
        return book_with_assigned_seats(
            deps, provider, offer, order, assigned, scenarios=command.scenarios
        )
    except OfferPriceChanged as changed:
        order_steps.store_repriced(deps, changed)
        fail_order(deps, order, payment, changed, release=False)
        raise
    except UpstreamTimeout as timeout:  # the airline may have booked, even later: release
        metrics.count_provider_error(provider.name, "book", timeout.code)
        fail_order(
            deps,
            order,
            payment,
            timeout,
            release=True,
            give_back_key=True,  # "retry advised": a retry with the same key runs afresh
            release_again_after=max(2 * deps.policies.recovery_grace, LATE_BOOKING_WINDOW),
        )
        raise
    except UpstreamUnavailable as down:  # nothing was booked; a retry may work
        metrics.count_provider_error(provider.name, "book", down.code)
        fail_order(deps, order, payment, down, release=False, give_back_key=True)
        raise
    except FarebridgeError as refused:  # a definite no: nothing was booked
        fail_order(deps, order, payment, refused, release=False)
        raise
    except Exception as exc:
        log.exception("order.booking_crashed", order_id=order.id)
        metrics.count_provider_error(provider.name, "book", "crashed")
        crashed = UpstreamUnavailable(
            "The airline system failed while booking; nothing was charged. Retry."
        )
        fail_order(deps, order, payment, crashed, release=True, give_back_key=True)
        raise crashed from exc


def _charge(deps: Dependencies, order: Order, payment: Payment, booking: Booking) -> None:
    """Step 3. A decline fails the order and releases the booking."""
    try:
        result = deps.gateway.charge(payment.id, payment.amount, payment.method)
    except Exception as exc:  # outcome unknown: the reconciler asks the gateway later
        log.exception("order.charge_unanswered", order_id=order.id, payment_id=payment.id)
        raise UpstreamUnavailable(
            "The payment gateway did not answer; the order will be completed or undone "
            "shortly. Retry with the same Idempotency-Key to learn which.",
            code="payment_gateway_unavailable",
        ) from exc
    if result.succeeded:
        return
    declined = PaymentFailed(
        result.failure_message or "The payment was declined.",
        code=result.failure_code or "payment_declined",
        field="payments[0]",
    )
    fail_order(deps, order, payment, declined, release=True)
    raise declined


def get_order(deps: Dependencies, *, user: User, order_id: str) -> Order:
    with deps.uow(read_only=True) as uow:
        return owned_order(uow, user, order_id)


def list_orders(
    deps: Dependencies, *, user: User, page: PageRequest, filters: OrderFilter | None = None
) -> Page[Order]:
    with deps.uow(read_only=True) as uow:
        return uow.orders.list_visible(visible_scope(user), page, filters)


def update_order_metadata(
    deps: Dependencies, *, user: User, order_id: str, metadata: dict[str, Any]
) -> Order:
    """Merge ``metadata`` into the order's; a key set to null is removed. The merged
    metadata keeps Duffel's limits (50 keys of at most 40 characters, values of at
    most 500): beyond them, 400 ``metadata_too_large`` naming the field."""
    check_metadata({k: v for k, v in metadata.items() if v is not None})
    with deps.uow() as uow:
        order = owned_order(uow, user, order_id)
        merged = {**order.metadata, **metadata}
        merged = {k: v for k, v in merged.items() if v is not None}
        check_metadata(merged)
        uow.orders.update_metadata(order_id, merged)
        uow.audit.record(
            AuditEntry(
                AuditAction.ORDER_UPDATED,
                user.id,
                deps.clock.now(),
                order_id=order_id,
                data={"metadata_keys": sorted(metadata)},
            )
        )
        uow.commit()
    return replace(order, metadata=merged)
